// Types of the Switchboard JavaScript client (switchboard.js) and of the protocol it speaks (docs/protocol.md).
// Hand-written; switchboard.js is checked against them by `tsc` in the build (client/tsconfig.json), and
// client/example.ts shows every misuse the types refuse. Frames are discriminated unions on `type`.

// ---------------------------------------------------------------------------------------------------------------
// Shared values

/** An ISO-8601 instant in UTC with milliseconds, as the server writes it: `2026-11-22T02:00:00.123Z`. */
export type Instant = string;

/** Any JSON value: the `data` of a topic event. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** The codes of an `error` frame (protocol/ErrorCode.java). An error never closes the connection. */
export type ErrorCode =
  | "bad_request"
  | "unknown_type"
  | "forbidden"
  | "not_joined"
  | "not_found"
  | "rate_limited"
  | "too_large"
  | "overloaded"
  | "conflict"
  | "room_closed";

/** A user's role in a room with owners. */
export type RoomRole = "owner" | "moderator" | "member";

/** What a `moderation` event did (protocol/ModerationAction.java). */
export type ModerationAction = "kick" | "ban" | "unban" | "mute" | "role" | "title";

// ---------------------------------------------------------------------------------------------------------------
// Client → server frames

/** Follow a room or `@me`: `since` (with the `epoch` it belongs to) resumes after it, else the last `last` (0..1000). */
export interface JoinFrame {
  type: "join";
  room: string;
  since?: number;
  epoch?: string;
  last?: number;
  /** Creates the room as a private one when it does not exist yet. */
  private?: boolean;
}
export interface LeaveFrame { type: "leave"; room: string }
export interface SendFrame { type: "send"; room: string; text: string; id?: string }
export interface DirectFrame { type: "direct"; to: string; text: string; id?: string }
export interface TypingFrame { type: "typing"; room: string }
export interface PingFrame { type: "ping" }
export interface InviteFrame { type: "invite"; room: string; user: string; id?: string }
export interface AcceptFrame { type: "accept"; room: string; id?: string }
export interface DeclineFrame { type: "decline"; room: string; id?: string }
/** `reason`: at most 500 characters. */
export interface KickFrame { type: "kick"; room: string; user: string; reason?: string; id?: string }
export interface BanFrame { type: "ban"; room: string; user: string; reason?: string; id?: string }
export interface UnbanFrame { type: "unban"; room: string; user: string; id?: string }
/** `seconds`: 0 lifts the mute, at most a year. */
export interface MuteFrame { type: "mute"; room: string; user: string; seconds: number; id?: string }
export interface RoleFrame { type: "role"; room: string; user: string; role: "moderator" | "member"; id?: string }
/** The room's title (200 characters) and topic (1,000): either or both. */
export type TitleFrame =
  | { type: "title"; room: string; title: string; topic?: string; id?: string }
  | { type: "title"; room: string; title?: string; topic: string; id?: string };
export interface EditFrame { type: "edit"; room: string; seq: number; text: string; id?: string }
export interface DeleteFrame { type: "delete"; room: string; seq: number; id?: string }
/** The user's read marker; no ack. */
export interface ReadFrame { type: "read"; room: string; seq: number }
/**
 * A fresh token for the live connection (an identity provider's, or a session token of the same user): answered by
 * `refreshed`, or an `error` (`forbidden`: not valid or another user's; `bad_request`: a container login does not expire).
 */
export interface RefreshFrame { type: "refresh"; token: string; id?: string }
/** Topics: `since` and `last` apply to exact topics only; a pattern (`ticker.*`, `logs.>`) is live only. */
export interface SubscribeFrame { type: "subscribe"; topic: string; since?: number; epoch?: string; last?: number }
export interface UnsubscribeFrame { type: "unsubscribe"; topic: string }

/** What a client may send on `/ws/chat`. */
export type ChatClientFrame =
  | JoinFrame | LeaveFrame | SendFrame | DirectFrame | TypingFrame | PingFrame
  | InviteFrame | AcceptFrame | DeclineFrame
  | KickFrame | BanFrame | UnbanFrame | MuteFrame | RoleFrame | TitleFrame
  | EditFrame | DeleteFrame | ReadFrame | RefreshFrame;

/** What a client may send on `/ws/topics`. */
export type TopicClientFrame = SubscribeFrame | UnsubscribeFrame | PingFrame | RefreshFrame;

export type ClientFrame = ChatClientFrame | TopicClientFrame;

// ---------------------------------------------------------------------------------------------------------------
// Server → client frames

/** An invitation waiting for the user's answer. */
export interface Invitation { room: string; by: string }

/** The first frame on every connection. */
export interface WelcomeFrame {
  type: "welcome";
  user: string;
  /** Seconds between the server's WebSocket pings. */
  heartbeat: number;
  /** `/ws/chat`: the rooms this user is in, kept by the server across devices. */
  rooms?: string[];
  /** `/ws/chat`: invitations waiting for an answer. */
  invites?: Invitation[];
  /** When the connection's token expires (a `refresh` moves it); absent for a container login. */
  expires?: Instant;
}

/** The answer to a join; the replay follows it. Rooms with owners add their standing (`private` … `roles`). */
export interface JoinedFrame {
  type: "joined";
  room: string;
  /** The stream's latest seq. */
  seq: number;
  epoch?: string;
  members: string[];
  /** False when what follows is not exactly what the client missed. */
  recovered: boolean;
  private?: boolean;
  role?: RoomRole;
  read?: number;
  unread?: number;
  title?: string;
  topic?: string;
  /** The room's owner and moderators. */
  roles?: Record<string, "owner" | "moderator">;
}
/** `reason` and `by` when a moderator removed the user or an operator closed the room (`message`: their reason). */
export interface LeftFrame { type: "left"; room: string; reason?: "kicked" | "banned" | "closed"; by?: string; message?: string }
export interface MessageFrame { type: "message"; room: string; seq: number; from: string; text: string; ts: Instant; id?: string }
/** A direct message as seen in one party's inbox. */
export interface DirectMessageFrame {
  type: "direct"; room: "@me"; seq: number; from: string; to: string; text: string; ts: Instant; id?: string;
}
/** `seq` 0 for requests that store nothing (invite, accept, decline). */
export interface AckFrame { type: "ack"; id?: string; room: string; seq: number }
export interface PresenceFrame { type: "presence"; room: string; user: string; event: "join" | "leave" }
export interface TypingEventFrame { type: "typing"; room: string; user: string }
export interface PongFrame { type: "pong" }
/** `id`: the request's, when it had one; `topic`: the topic or pattern a refused subscribe named. */
export interface ErrorFrame { type: "error"; code: ErrorCode; message: string; id?: string; topic?: string }
/** An invitation kept in the invitee's inbox: into `target`, from `by`. */
export interface InvitedFrame { type: "invited"; room: "@me"; seq: number; target: string; by: string; ts: Instant }

interface ModerationBase { type: "moderation"; room: string; seq: number; by: string; ts: Instant }
/** A stored moderation event, by action. */
export type ModerationFrame =
  | (ModerationBase & { action: "kick" | "ban"; user: string; reason?: string })
  | (ModerationBase & { action: "unban"; user: string })
  | (ModerationBase & { action: "mute"; user: string; seconds: number })
  | (ModerationBase & { action: "role"; user: string; role: "moderator" | "member" })
  | (ModerationBase & { action: "title"; title?: string; topic?: string });

/** Message `of` now reads `text`. */
export interface EditEventFrame { type: "edit"; room: string; seq: number; of: number; from: string; text: string; ts: Instant; id?: string }
/** Message `of` was deleted by `by`. */
export interface DeleteEventFrame { type: "delete"; room: string; seq: number; of: number; by: string; ts: Instant; id?: string }
/** Another device of this user read `room` up to `seq`. */
export interface ReadEventFrame { type: "read"; room: string; seq: number }
/** A kept attachment (history, replay, another node): its bytes at `url`, relative to the application. */
export interface AttachmentFrame {
  type: "attachment"; room: string; seq: number; from: string; name: string; mime: string; size: number;
  url: string; ts: Instant; id?: string;
}
/** A pattern has no `seq` nor `epoch`; an exact topic has both. */
export interface SubscribedFrame { type: "subscribed"; topic: string; recovered: boolean; seq?: number; epoch?: string }
export interface UnsubscribedFrame { type: "unsubscribed"; topic: string }
export interface EventFrame { type: "event"; topic: string; seq: number; data: JsonValue; ts: Instant }
/** A slow subscriber lost `count` events of a lossy topic. */
export interface SkippedFrame { type: "skipped"; topic: string; count: number }
/** An operator's notice: in a room (`room` and `seq`: kept in its history), or to everyone connected (neither: live only). */
export interface NoticeFrame { type: "notice"; room?: string; seq?: number; text: string; by: string; ts: Instant }
/** The answer to `refresh`: the connection now lives until `expires`. */
export interface RefreshedFrame { type: "refreshed"; expires: Instant; id?: string }

export type ServerFrame =
  | WelcomeFrame | JoinedFrame | LeftFrame | MessageFrame | DirectMessageFrame | AckFrame
  | PresenceFrame | TypingEventFrame | PongFrame | ErrorFrame
  | InvitedFrame | ModerationFrame | EditEventFrame | DeleteEventFrame | ReadEventFrame | AttachmentFrame
  | SubscribedFrame | UnsubscribedFrame | EventFrame | SkippedFrame | RefreshedFrame | NoticeFrame;

// ---------------------------------------------------------------------------------------------------------------
// Binary frames: a 2-byte big-endian header length, a UTF-8 JSON header, the bytes

/** The header of an attachment as its sender's node relays it live. */
export interface LiveAttachmentHeader {
  room: string; name: string; mime: string; from: string; seq: number; ts: Instant; url: string; id?: string;
}
/** The header of a binary topic event. */
export interface BinaryEventHeader { topic: string; seq: number; ts: Instant; mime: string }

/** `decodeBinary`'s result; `H` is the header's shape. */
export interface BinaryFrame<H = LiveAttachmentHeader | BinaryEventHeader> { header: H; bytes: Uint8Array }

/** An attachment: live with its bytes, or kept (history, another node) with `bytes` null and the bytes at `header.url`. */
export type AttachmentEvent = BinaryFrame<LiveAttachmentHeader> | { header: AttachmentFrame; bytes: null };

// ---------------------------------------------------------------------------------------------------------------
// Client

/** The connection's state: `signed-out` after a close 1008 the client cannot recover from by itself. */
export type Status = "idle" | "connecting" | "open" | "reconnecting" | "closed" | "signed-out";

/** An access token, or where to get one: called at every (re)connect and for every automatic refresh. */
export type AccessTokenSource = string | (() => string | Promise<string>);

export interface SwitchboardOptions {
  /** Relative to the page: `ws/chat` (default) or `ws/topics`. */
  path?: string;
  /** A full `ws:`/`wss:` URL instead of `path`. */
  url?: string;
  /** Seconds between application pings (default 20; at most the server's heartbeat). */
  pingSeconds?: number;
  /** First reconnect delay in ms (default 500), doubling up to `maxBackoffMs`. */
  minBackoffMs?: number;
  /** Longest reconnect delay in ms (default 15,000). */
  maxBackoffMs?: number;
  /**
   * An identity provider's access token (JWT), sent as `?access_token=` on the WebSocket URL. A function is asked
   * at every (re)connect and, before the token expires, for the in-band refresh. Without it the session cookie is
   * used.
   */
  accessToken?: AccessTokenSource;
  /** How long before the known expiry the client refreshes by itself (ms, default 60,000; at most half the time left). */
  refreshLeadMs?: number;
}

/** Where the client stands in a stream: the history's epoch and the last seq passed on (null: none yet). */
export interface StreamPosition { epoch: string | null; seq: number | null }

/** The server could not continue `stream` from `previous`: everything that follows is new, whatever its seq. */
export interface GapEvent { stream: string; epoch: string | null; previous: StreamPosition }

export interface DisconnectedEvent { code: number; reason: string; retryInMs: number }

export interface JoinRefusedEvent { room: string; reason: "private" | "banned"; message: string }

/** Each server frame's type, mapped to the frame. */
export type FrameEvents = { [F in ServerFrame as F["type"]]: F };

/** Every event `on` takes: the server frames by type, and the client's own. */
export interface SwitchboardEvents extends Omit<FrameEvents, "attachment"> {
  status: Status;
  disconnected: DisconnectedEvent;
  /** A close 1008 that a fresh token cannot mend (signed out elsewhere, no identity, rate limit): sign in again. */
  "signed-out": string;
  gap: GapEvent;
  "join-refused": JoinRefusedEvent;
  /** A chat attachment, live (with bytes) or kept (with `bytes` null). */
  attachment: AttachmentEvent;
  /** A binary topic event. */
  binary: BinaryFrame<BinaryEventHeader>;
  /** An access token could not be had or was refused (connect or automatic refresh); `code` says which. */
  "token-error": SwitchboardError;
}

export type SwitchboardEventName = keyof SwitchboardEvents;

/** The arguments of a `*` handler: the event's name and its payload, narrowed together. */
export type AnyEvent = { [K in SwitchboardEventName]: [type: K, payload: SwitchboardEvents[K]] }[SwitchboardEventName];

/**
 * A request's rejection: `code` is the server's error code, or the client's own: `offline` (not connected, or the
 * connection closed before the answer), `timeout` (a refresh unanswered), `no_token` (no access token to refresh with).
 */
export interface SwitchboardError extends Error {
  code: ErrorCode | "offline" | "timeout" | "no_token";
  id?: string;
}

/** The public API of the client; `Switchboard` implements it. */
export declare class Switchboard {
  constructor(options?: SwitchboardOptions);

  /** The WebSocket URL (without the access token). */
  readonly url: string;
  readonly status: Status;
  /** The user name from `welcome`, or null before it. */
  readonly user: string | null;
  /** Rooms (and `@me`) this client follows and rejoins after every reconnect. */
  readonly rooms: ReadonlySet<string>;
  /** Topics and patterns this client follows and resubscribes after every reconnect. */
  readonly patterns: ReadonlySet<string>;
  /** Where it stands in each room, `@me` and exact topic. */
  readonly positions: ReadonlyMap<string, StreamPosition>;
  /** When the current credential expires (ms since the epoch), or null when unknown. */
  readonly expiresAt: number | null;

  on<K extends SwitchboardEventName>(type: K, handler: (payload: SwitchboardEvents[K]) => void): this;
  on(type: "*", handler: (...event: AnyEvent) => void): this;
  off<K extends SwitchboardEventName>(type: K, handler: (payload: SwitchboardEvents[K]) => void): this;
  off(type: "*", handler: (...event: AnyEvent) => void): this;

  /** Opens the socket (subprotocol `switchboard.v1`) and reconnects by itself from then on. */
  connect(): void;
  /** Closes for good: no reconnect. */
  close(): void;

  /** Follows a room or `@me`; `private: true` creates the room as a private one when it does not exist yet. */
  join(room: string, options?: { private?: boolean }): void;
  leave(room: string): void;
  /** Returns the client id; the send is kept until its ack and resent after a reconnect. */
  send(room: string, text: string): string;
  direct(to: string, text: string): string;
  /** A file or blob (at most 1 MiB with its header) to a room; resolves to its client id. */
  sendFile(room: string, file: Blob & { readonly name: string }): Promise<string>;
  typing(room: string): void;

  invite(room: string, user: string): Promise<AckFrame>;
  accept(room: string): Promise<AckFrame>;
  decline(room: string): Promise<AckFrame>;
  kick(room: string, user: string, reason?: string): Promise<AckFrame>;
  ban(room: string, user: string, reason?: string): Promise<AckFrame>;
  unban(room: string, user: string): Promise<AckFrame>;
  mute(room: string, user: string, seconds: number): Promise<AckFrame>;
  setRole(room: string, user: string, role: "moderator" | "member"): Promise<AckFrame>;
  setTitle(room: string, change: { title: string; topic?: string } | { title?: string; topic: string }): Promise<AckFrame>;
  edit(room: string, seq: number, text: string): Promise<AckFrame>;
  delete(room: string, seq: number): Promise<AckFrame>;
  /** Whether `id` is that of a request still waiting for its answer. */
  isRequest(id: string | undefined): boolean;

  /** Only forward; calls within 300 ms send one frame. */
  markRead(room: string, seq: number): void;
  /** The highest read marker known here, or null. */
  readMark(room: string): number | null;

  /** A topic or pattern; `last` (exact topics, 0..1000) first replays that many kept events. */
  subscribe(topic: string, options?: { last?: number }): void;
  unsubscribe(topic: string): void;

  /**
   * Hands the live connection a fresh access token (the given one, else one from the `accessToken` function):
   * resolves with `refreshed`, rejects with code `forbidden` (refused), `offline`, `timeout` or `no_token`.
   * A given token is also the one used for the next reconnect when `accessToken` is not a function.
   */
  refreshToken(token?: string): Promise<RefreshedFrame>;
}

/** Whether a topic is a pattern (`*` or `>` in it) rather than one exact topic. */
export declare function isPattern(topic: string): boolean;

/** Splits a binary frame into its header and bytes. */
export declare function decodeBinary(buffer: ArrayBuffer): BinaryFrame;

/** The session API's answer to a sign-in. */
export interface Session { user: string; token: string; expires: Instant }

/** Signs in as a guest (or as the container login): `POST api/session` sets the HttpOnly `sb_token` cookie. */
export declare function signIn(name: string): Promise<Session>;
/** The current session's user, or null. */
export declare function whoAmI(): Promise<string | null>;
/** Signs out (`DELETE api/session`). */
export declare function signOut(): Promise<void>;
