package dev.switchboard.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The headers {@code GET /api/files/{id}} answers a file with (the resource itself needs a container: the ITs). */
class FileResourceTest {

    @Test
    void plainRasterImagesAreShownInline() {
        assertEquals("inline; filename=\"cat.png\"; filename*=UTF-8''cat.png", FileResource.disposition("cat.png", "image/png"));
        assertEquals("inline; filename=\"a.jpg\"; filename*=UTF-8''a.jpg", FileResource.disposition("a.jpg", "image/jpeg"));
        assertEquals("inline; filename=\"a.gif\"; filename*=UTF-8''a.gif", FileResource.disposition("a.gif", "image/gif"));
        assertEquals("inline; filename=\"a.webp\"; filename*=UTF-8''a.webp", FileResource.disposition("a.webp", "image/webp"));
        assertEquals("inline; filename=\"A.PNG\"; filename*=UTF-8''A.PNG", FileResource.disposition("A.PNG", "IMAGE/PNG"));
    }

    @Test
    void everythingElseIsADownload() {
        assertEquals("attachment; filename=\"logo.svg\"; filename*=UTF-8''logo.svg",
                FileResource.disposition("logo.svg", "image/svg+xml")); // a document: it may run scripts
        assertEquals("attachment; filename=\"page.html\"; filename*=UTF-8''page.html", FileResource.disposition("page.html", "text/html"));
        assertEquals("attachment; filename=\"a.bmp\"; filename*=UTF-8''a.bmp", FileResource.disposition("a.bmp", "image/bmp"));
        assertEquals("attachment; filename=\"x.png\"; filename*=UTF-8''x.png", FileResource.disposition("x.png", "application/octet-stream"));
        assertEquals("attachment; filename=\"x.png\"; filename*=UTF-8''x.png", FileResource.disposition("x.png", "image/png; x=y"),
                "not a plain type: served as bytes");
    }

    @Test
    void aChineseNameIsPercentEncodedInUtf8WithAnAsciiFallback() {
        assertEquals("attachment; filename=\"__.pdf\"; filename*=UTF-8''%E6%8A%A5%E5%91%8A.pdf",
                FileResource.disposition("报告.pdf", "application/pdf"));
        assertEquals("inline; filename=\"_.png\"; filename*=UTF-8''%F0%9F%90%88.png", FileResource.disposition("🐈.png", "image/png"),
                "one character outside the BMP is one _");
        assertEquals("attachment; filename=\"r_sum_.txt\"; filename*=UTF-8''r%C3%A9sum%C3%A9.txt",
                FileResource.disposition("résumé.txt", "text/plain"));
    }

    @Test
    void quotesBackslashesPercentsAndControlsCannotBreakTheHeader() {
        assertEquals("attachment; filename=\"say _hi_.txt\"; filename*=UTF-8''say%20%22hi%22.txt",
                FileResource.disposition("say \"hi\".txt", "text/plain"));
        assertEquals("attachment; filename=\"a_b_.txt\"; filename*=UTF-8''a%5Cb%22.txt", FileResource.disposition("a\\b\".txt", "text/plain"));
        assertEquals("attachment; filename=\"a__Set-Cookie: x.txt\"; filename*=UTF-8''a%0D%0ASet-Cookie%3A%20x.txt",
                FileResource.disposition("a\r\nSet-Cookie: x.txt", "text/plain"));
        assertEquals("attachment; filename=\"50_; it's a,b.txt\"; filename*=UTF-8''50%25%3B%20it%27s%20a%2Cb.txt",
                FileResource.disposition("50%; it's a,b.txt", "text/plain"));
        assertEquals("attachment; filename=\"file\"; filename*=UTF-8''file", FileResource.disposition(" ", "text/plain"));
    }

    @Test
    void theResponseSaysWhatItIsAndWhatABrowserMustNotDoWithIt() {
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("Content-Type", "image/svg+xml");
        expected.put("Content-Length", "1234");
        expected.put("Content-Disposition", "attachment; filename=\"logo.svg\"; filename*=UTF-8''logo.svg");
        expected.put("X-Content-Type-Options", "nosniff");
        expected.put("Content-Security-Policy", "default-src 'none'; sandbox");
        expected.put("Cache-Control", "private, max-age=31536000, immutable");
        assertEquals(expected, FileResource.headers("logo.svg", "image/svg+xml", 1234));
        assertEquals("application/octet-stream", FileResource.headers("a", "text/html\r\nX: y", 1).get("Content-Type"));
        assertEquals("image/png", FileResource.headers("a", "Image/PNG", 1).get("Content-Type"));
    }
}
