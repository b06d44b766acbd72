package dev.switchboard.web;

/**
 * The names this package's OpenAPI definition ({@code package-info.java}) declares and the resources refer to: the
 * security schemes and the shared error schema.
 */
public final class OpenApiDefinition {

    /** Security scheme: the session cookie {@code sb_token}. */
    public static final String SESSION_COOKIE = "sessionCookie";
    /** Security scheme: {@code Authorization: Bearer <switchboard.publisher.key>}. */
    public static final String PUBLISHER_KEY = "publisherKey";
    /** Security scheme: an identity provider's JWT access token as {@code Authorization: Bearer}. */
    public static final String IDENTITY_PROVIDER = "identityProviderToken";
    /** Schema: the JSON body of every refusal, {@code {"error":…,"message":…}}. */
    public static final String ERROR = "ApiError";

    private OpenApiDefinition() {}
}
