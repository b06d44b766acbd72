package dev.switchboard.it.pages;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.it.Deployments;
import dev.switchboard.security.TokenService;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What a person on the chat page sees of the operators' admin API: notices, and a room closed under them. */
@ExtendWith(ArquillianExtension.class)
class AdminPageIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String OPERATOR = "it-operator";

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.war();
    }

    private static void asOperator(String path, String body, int expected) throws Exception {
        String token = new TokenService(Deployments.SECRET.getBytes(StandardCharsets.UTF_8), Duration.ofHours(1), Clock.systemUTC())
                .issue(OPERATOR).value();
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(Deployments.http(path)).timeout(Duration.ofSeconds(15))
                .header("Cookie", "sb_token=" + token).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(expected, r.statusCode(), r::body);
    }

    @Test
    void thePageShowsARoomNoticeANoticeToEveryoneAndTheRoomClosed() throws Exception {
        String room = "town" + UUID.randomUUID().toString().substring(0, 6);
        try (Browser b = Browser.open()) {
            ChatPage page = new ChatPage(b).open().signIn("pat" + UUID.randomUUID().toString().substring(0, 6));
            page.join(room);

            asOperator("/api/admin/rooms/" + room + "/notices", "{\"text\":\"maintenance at 22:00\"}", 200);
            b.awaitText("#messages .system", "Notice: maintenance at 22:00");

            asOperator("/api/admin/notices", "{\"text\":\"restart in 5 minutes\"}", 202);
            b.awaitText("#notice", "Notice from the operators: restart in 5 minutes");

            asOperator("/api/admin/rooms/" + room + "/close", "{\"reason\":\"spam wave\"}", 200);
            b.awaitText("#notice", OPERATOR + " closed #" + room + ": spam wave");
            b.await(d -> !page.rooms().contains("#" + room));
        }
    }
}
