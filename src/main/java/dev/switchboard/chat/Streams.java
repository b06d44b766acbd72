package dev.switchboard.chat;

import dev.switchboard.delivery.StreamNames;
import java.util.regex.Pattern;

/** Names of chat streams: a room is named as it is; a user's inbox is {@code @user}, joined as {@code @me}. */
final class Streams {

    static final String ME = "@me";
    static final Pattern ROOM = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private Streams() {}

    static String inbox(String user) {
        return StreamNames.inbox(user);
    }

    static boolean isRoom(String name) {
        return ROOM.matcher(name).matches();
    }
}
