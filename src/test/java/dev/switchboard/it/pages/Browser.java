package dev.switchboard.it.pages;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One headless Chromium (Debian's {@code chromium} + {@code chromedriver}) with its own profile, so
 * two of them are two people. Nothing is downloaded: the driver and browser paths are given, and the
 * browser's background networking is off (this machine reaches nothing but localhost). Public for the
 * browser tests outside this package (RestartIT drives a page against its own server).
 */
public final class Browser implements AutoCloseable {

    static final String CHROMIUM = System.getProperty("chromium.binary", "/usr/bin/chromium");
    static final String DRIVER = System.getProperty("chromedriver.binary", "/usr/bin/chromedriver");
    static final Duration WAIT = Duration.ofSeconds(15);

    final ChromeDriver driver;
    private final Path profile;

    private Browser(String language) {
        try {
            profile = Files.createTempDirectory("switchboard-chromium");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
                "--no-first-run", "--no-default-browser-check", "--user-data-dir=" + profile, "--lang=" + language,
                "--window-size=1280,800");
        // navigator.languages follows the accept-languages preference; --lang sets the UI locale
        options.setExperimentalOption("prefs", java.util.Map.of("intl.accept_languages", language));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(DRIVER)).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        driver.manage().window().setSize(new Dimension(1280, 800));
    }

    /** A browser, or the test is skipped locally (failed in CI) when Chromium is not installed. */
    static Browser open(String language) {
        boolean present = new File(CHROMIUM).canExecute() && new File(DRIVER).canExecute();
        if (!present) {
            String why = "Chromium or chromedriver missing (" + CHROMIUM + ", " + DRIVER
                    + "): install the Debian packages chromium and chromium-driver to run the browser tests";
            if ("true".equals(System.getenv("CI"))) {
                fail(why);
            }
            Assumptions.abort(why);
        }
        return new Browser(language);
    }

    public static Browser open() {
        return open("en-US");
    }

    public WebDriver driver() {
        return driver;
    }

    public <T> T await(Function<WebDriver, T> condition) {
        return await(condition, WAIT);
    }

    public <T> T await(Function<WebDriver, T> condition, Duration timeout) {
        // live pages redraw (the ticker replaces its sparkline every quote): an element found a moment
        // ago may be gone when it is read, so a stale element means "not yet", not a failure
        return new WebDriverWait(driver, timeout).ignoring(StaleElementReferenceException.class)
                .until(d -> {
                    try {
                        return condition.apply(d);
                    } catch (WebDriverException e) {
                        if (isFromAReplacedDocument(e)) return null;
                        throw e;
                    }
                });
    }

    /**
     * Chrome's answer when an element was found in the document a reload (sign-out reloads the page)
     * has just replaced: an "unknown error", not a stale element, but it also means "not yet".
     */
    private static boolean isFromAReplacedDocument(WebDriverException e) {
        String message = String.valueOf(e.getMessage());
        return message.contains("does not belong to the document") || message.contains("No node with given id");
    }

    WebElement visible(String css) {
        return await(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
    }

    /**
     * Clicks the element matching {@code css} once it is there; lists the page redraws (rooms,
     * conversations, unread badges) may replace it between finding and clicking, so that is retried.
     */
    void click(String css) {
        await(d -> {
            d.findElement(By.cssSelector(css)).click();
            return true;
        });
    }

    /** Waits for {@code text} in the element; a timeout says what the element held instead. */
    public void awaitText(String css, String text) {
        try {
            await(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(css), text));
        } catch (org.openqa.selenium.TimeoutException e) {
            List<String> held = texts(css);
            throw new AssertionError("waited for \"" + text + "\" in " + css + ", which held " + held, e);
        }
    }

    public void awaitAttribute(String css, String attribute, String value) {
        await(ExpectedConditions.attributeToBe(By.cssSelector(css), attribute, value));
    }

    List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /**
     * The rendered text of every element matching {@code css}, read in one script call: the page may
     * redraw between finding elements and reading them one by one.
     */
    @SuppressWarnings("unchecked")
    public List<String> texts(String css) {
        return (List<String>) driver.executeScript(
                "return [...document.querySelectorAll(arguments[0])].map(e => e.innerText);", css);
    }

    /** Like {@link #texts} for one attribute ({@code null} where it is absent). */
    @SuppressWarnings("unchecked")
    List<String> attributes(String css, String attribute) {
        return (List<String>) driver.executeScript(
                "return [...document.querySelectorAll(arguments[0])].map(e => e.getAttribute(arguments[1]));",
                css, attribute);
    }

    /** Writes a PNG of the page to docs/screenshots (shown in the README) and target/screenshots. */
    void screenshot(String name) {
        File shot = driver.getScreenshotAs(OutputType.FILE);
        try {
            for (Path dir : List.of(Path.of("docs", "screenshots"), Path.of("target", "screenshots"))) {
                Files.createDirectories(dir);
                Files.copy(shot.toPath(), dir.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        driver.quit();
        try (var files = Files.walk(profile)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir left behind is harmless
        }
    }
}
