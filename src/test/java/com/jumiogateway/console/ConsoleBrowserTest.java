package com.jumiogateway.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.jumiogateway.support.GatewayTestSupport;
import com.jumiogateway.support.OwnContext;
import com.jumiogateway.support.TestSmtp;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.CookieManager;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The web console in a real browser (Debian's chromium, headless, driven by chromedriver through Selenium) against
 * the whole service on its own port with a real database and a real SMTP server: the link in a real fraud alert
 * email opens the result page after the login form; a viewer sees the decision and the reject reason but not the
 * person's name, a compliance user sees it; an admin replays a FAILED callback and resends a FAILED alert with the
 * pages' buttons; a POST without the CSRF token is refused. Screenshots go to target/console-screenshots/.
 */
@OwnContext
class ConsoleBrowserTest extends GatewayTestSupport {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
    static final String FIRST_NAME = "ZELDAFIRST";
    static final String LAST_NAME = "QUIMBYLAST";

    /** The service's port, known before it starts: the alert emails' links (public-base-url) point at it. */
    static final int PORT = freePort();
    static final TestSmtp smtp = new TestSmtp().start();
    static WebDriver browser;
    static Path profile;

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        registry.add("server.port", () -> PORT);
        registry.add("gateway.api.public-base-url", () -> "http://127.0.0.1:" + PORT + "/");
        smtp.register(registry);
        registry.add("gateway.alerts.smtp.connection-timeout-ms", () -> "2000");
        registry.add("gateway.alerts.smtp.read-timeout-ms", () -> "2000");
        registry.add("gateway.alerts.from", () -> "Jumio Gateway <gateway@bank.test>");
        registry.add("gateway.alerts.categories.fraud.to", () -> "compliance@bank.test");
        // an alert whose SMTP server is down is FAILED after two attempts (then re-sent from the console)
        registry.add("gateway.alerts.max-attempts", () -> "2");
    }

    @BeforeAll
    static void startBrowser() throws IOException {
        // CI installs both (.ci/run); without them this test fails rather than being skipped
        assertThat(CHROMIUM).as("Debian's chromium (apt-get install chromium)").isExecutable();
        assertThat(CHROMEDRIVER).as("Debian's chromedriver (apt-get install chromium-driver)").isExecutable();
        profile = Files.createTempDirectory("console-browser-profile");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1280,1600", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
        smtp.stop();
    }

    @BeforeEach
    void smtpUpAndEmpty() {
        smtp.start();
        smtp.purge();
    }

    @AfterEach
    void logOut() {
        browser.manage().deleteAllCookies();
    }

    @Test
    void theAlertEmailsLinkOpensTheResultAfterLoginAndOnlyComplianceSeesTheName() throws Exception {
        String ref = "c0ffee00-0000-4000-8000-000000000001";
        assertThat(postFromJumio("/callbacks/netverify", fraudCallback(ref), FORM).statusCode()).isEqualTo(200);

        MimeMessage email = awaitOneEmail();
        String link = link(TestSmtp.part(email, "text/plain"));
        assertThat(link).isEqualTo(url("/console/verifications/" + ref));
        assertThat(TestSmtp.part(email, "text/html")).contains("href=\"" + link + "\"");

        // the link, then the login form, then the page the link named
        browser.get(link);
        assertThat(browser.getCurrentUrl()).isEqualTo(url("/console/login"));
        logIn("viewer");
        assertThat(browser.getCurrentUrl()).isEqualTo(link);
        assertThat(text("decision")).isEqualTo("Fraud suspected (denied)");
        assertThat(text("reject-reason")).contains("MANIPULATED_DOCUMENT", "100");
        assertThat(browser.getPageSource()).contains("PHOTO", "United States", "Passport", "YOURSCANREFERENCE");
        assertThat(browser.getPageSource()).as("a viewer sees decisions and references only")
                .doesNotContain(FIRST_NAME, LAST_NAME);
        assertThat(text("personal-hidden")).contains("compliance role");
        screenshot("result-page-viewer.png");

        submit(By.xpath("//button[text()='Log out']"));
        assertThat(browser.getPageSource()).contains("You have logged out");
        browser.get(link);
        assertThat(browser.getCurrentUrl()).as("logged out: the login form again").isEqualTo(url("/console/login"));

        logIn("compliance");
        assertThat(browser.getCurrentUrl()).isEqualTo(link);
        assertThat(text("decision")).isEqualTo("Fraud suspected (denied)");
        assertThat(text("details")).contains(FIRST_NAME, LAST_NAME);
        assertThat(browser.findElements(By.xpath("//button[starts-with(text(), 'Replay')]")))
                .as("only admin replays").isEmpty();
        screenshot("result-page.png");

        // the search: by merchant reference and decision, newest first, each row linking to its result
        browser.get(url("/console/search"));
        browser.findElement(By.id("merchantReference")).sendKeys("YOURSCANREFERENCE");
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("decision"))).selectByValue("FRAUD");
        submit(By.xpath("//button[text()='Search']"));
        assertThat(browser.getCurrentUrl()).contains("merchantReference=YOURSCANREFERENCE", "decision=FRAUD");
        assertThat(browser.findElements(By.linkText(ref))).hasSize(1);
        browser.get(url("/console/search?decision=APPROVED"));
        assertThat(browser.findElements(By.linkText(ref))).as("another decision").isEmpty();
        browser.get(url("/console/search?customer=CUSTOMER-7"));
        submit(By.linkText(ref));
        assertThat(browser.getCurrentUrl()).isEqualTo(link);

        // who read what, like the API's reads
        assertThat(jdbc.queryForList("SELECT caller FROM audit_event WHERE action = 'READ_RESULT' AND reference = ?"
                + " ORDER BY id", String.class, ref)).containsExactly("console:viewer", "console:compliance", "console:compliance");
    }

    @Test
    void anAdminReplaysAFailedCallbackWithTheButtonAndSeesItProcessed() throws Exception {
        // a callback that failed under an earlier parser (now fixed): stored, FAILED, waiting for a replay
        String ref = "c0ffee00-0000-4000-8000-000000000002";
        String body = fixture("netverify/approved-verified.txt").replace("xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", ref);
        jdbc.update("INSERT INTO callback_inbox (kind, source_address, content_type, body, received_at, status, attempts,"
                        + " processed_at, failure_reason) VALUES ('NETVERIFY', ?, ?, ?, ?, 'FAILED', 1, ?, ?)",
                JUMIO_US, FORM, body.getBytes(StandardCharsets.UTF_8), Timestamp.from(Instant.now()),
                Timestamp.from(Instant.now()), "Unsupported idType (parser before the fix)");
        long id = jdbc.queryForObject("SELECT id FROM callback_inbox WHERE status = 'FAILED'", Long.class);

        browser.get(url("/console/pipeline"));
        logIn("admin");
        assertThat(browser.getCurrentUrl()).isEqualTo(url("/console/pipeline"));
        assertThat(browser.getPageSource()).contains("Unsupported idType (parser before the fix)");
        assertThat(text("failed-count")).isEqualTo("1");
        assertThat(text("chart-summary")).contains("1 received, 0 processed, 1 failed");
        screenshot("pipeline-page.png");

        submit(By.xpath("//button[text()='Replay callback " + id + "']"));
        assertThat(browser.getPageSource()).contains("Callback " + id + " is queued again.");
        await().atMost(Duration.ofSeconds(20)).until(() -> "PROCESSED".equals(
                jdbc.queryForObject("SELECT status FROM callback_inbox WHERE id = ?", String.class, id)));

        browser.get(url("/console/pipeline"));
        assertThat(text("failed-count")).isEqualTo("0");
        assertThat(browser.getPageSource()).contains("No FAILED callback.");
        assertThat(text("chart-summary")).contains("1 received, 1 processed, 0 failed");
        browser.get(url("/console/verifications/" + ref));
        assertThat(text("decision")).isEqualTo("Approved");
        assertThat(browser.getPageSource()).contains("PROCESSED", "APPLIED");
    }

    @Test
    void anAdminResendsAFailedAlertFromTheResultPage() throws Exception {
        String ref = "c0ffee00-0000-4000-8000-000000000003";
        smtp.stop();
        assertThat(postFromJumio("/callbacks/netverify", fraudCallback(ref), FORM).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> "FAILED".equals(jdbc.queryForList(
                "SELECT status FROM alert_outbox WHERE scan_reference = ?", String.class, ref).stream().findFirst().orElse(null)));
        long alert = jdbc.queryForObject("SELECT id FROM alert_outbox WHERE scan_reference = ?", Long.class, ref);
        smtp.start();

        browser.get(url("/console/verifications/" + ref));
        logIn("admin");
        submit(By.xpath("//button[text()='Resend alert " + alert + "']"));
        assertThat(browser.getCurrentUrl()).isEqualTo(url("/console/verifications/" + ref));
        assertThat(browser.getPageSource()).contains("Alert " + alert + " is queued to be sent again.");

        MimeMessage email = awaitOneEmail();
        assertThat(link(TestSmtp.part(email, "text/plain"))).isEqualTo(url("/console/verifications/" + ref));
        await().atMost(Duration.ofSeconds(20)).until(() -> "SENT".equals(
                jdbc.queryForObject("SELECT status FROM alert_outbox WHERE id = ?", String.class, alert)));
        browser.navigate().refresh();
        assertThat(browser.findElements(By.xpath("//button[text()='Resend alert " + alert + "']"))).isEmpty();
        assertThat(browser.getPageSource()).contains("SENT");
    }

    @Test
    void aPostWithoutTheCsrfTokenIsRefusedAndOneWithItIsDone() throws Exception {
        jdbc.update("INSERT INTO callback_inbox (kind, source_address, content_type, body, received_at, status, attempts,"
                        + " processed_at, failure_reason) VALUES ('NETVERIFY', ?, ?, ?, ?, 'FAILED', 1, ?, 'broken')",
                JUMIO_US, FORM, "verificationStatus=APPROVED_VERIFIED".getBytes(StandardCharsets.UTF_8),
                Timestamp.from(Instant.now()), Timestamp.from(Instant.now()));
        HttpClient client = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
        String loginPage = client.send(HttpRequest.newBuilder(URI.create(url("/console/login"))).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
        HttpResponse<String> login = client.send(form(url("/console/login"),
                "username=admin&password=admin-password&_csrf=" + csrf(loginPage)), HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).isEqualTo(302);
        assertThat(login.headers().firstValue("Location").orElse("")).doesNotContain("error");

        HttpResponse<String> forged = client.send(form(url("/console/callbacks/replay-failed"), ""),
                HttpResponse.BodyHandlers.ofString());
        assertThat(forged.statusCode()).as("logged in, but no CSRF token").isEqualTo(403);
        assertThat(jdbc.queryForObject("SELECT status FROM callback_inbox", String.class)).isEqualTo("FAILED");

        String pipeline = client.send(HttpRequest.newBuilder(URI.create(url("/console/pipeline"))).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
        HttpResponse<String> withToken = client.send(form(url("/console/callbacks/replay-failed"),
                "_csrf=" + csrf(pipeline)), HttpResponse.BodyHandlers.ofString());
        assertThat(withToken.statusCode()).isEqualTo(302);
        // re-queued: the worker takes it again (and it fails again: it has no scan reference)
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject(
                "SELECT attempts FROM callback_inbox", Integer.class) == 2);
    }

    @Test
    void wrongPasswordsFromOneAddressAreThrottledLikeTheApis() throws Exception {
        HttpClient client = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
        // through our trusted proxy on loopback: the throttle counts the client address it forwards
        for (int i = 0; i < 10; i++) {
            assertThat(login(client, "admin", "wrong-" + i, "203.0.113.50")).endsWith("/console/login?error");
        }
        assertThat(login(client, "admin", "admin-password", "203.0.113.50"))
                .as("the right password is not even checked now").endsWith("/console/login?throttled");
        HttpClient other = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
        assertThat(login(other, "admin", "admin-password", "203.0.113.51")).as("another address").endsWith("/console");
    }

    /** Logs in with the form (and its CSRF token) from the forwarded address; answers where it redirects to. */
    private String login(HttpClient client, String user, String password, String forwardedFor) throws Exception {
        String page = client.send(HttpRequest.newBuilder(URI.create(url("/console/login"))).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
        HttpResponse<String> answer = client.send(HttpRequest.newBuilder(URI.create(url("/console/login")))
                .header("Content-Type", FORM).header("X-Forwarded-For", forwardedFor)
                .POST(HttpRequest.BodyPublishers.ofString("username=" + user + "&password=" + password + "&_csrf=" + csrf(page)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(302);
        return answer.headers().firstValue("Location").orElse("");
    }

    @Test
    void theConsoleIsOnlyForPeopleWithALoginAndTheApiStaysAsItWas() throws Exception {
        HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        // an API credential does not open the console, and the console's users do not open the API
        HttpResponse<String> basicOnConsole = client.send(HttpRequest.newBuilder(URI.create(url("/console/pipeline")))
                .header("Authorization", basic("tester", "test-password")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(basicOnConsole.statusCode()).isEqualTo(302);
        assertThat(basicOnConsole.headers().firstValue("Location").orElse("")).endsWith("/console/login");
        HttpResponse<String> consoleUserOnApi = client.send(HttpRequest.newBuilder(URI.create(url("/api/alerts")))
                .header("Authorization", basic("admin", "admin-password")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(consoleUserOnApi.statusCode()).isEqualTo(401);
        assertThat(consoleUserOnApi.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        assertThat(consoleUserOnApi.headers().firstValue("Set-Cookie")).as("the API stays stateless").isEmpty();

        // a viewer may read but not replay
        browser.get(url("/console/pipeline"));
        logIn("viewer");
        assertThat(browser.findElements(By.xpath("//button[starts-with(text(), 'Replay')]"))).isEmpty();
        // and a viewer's POST, even with its CSRF token, is refused
        HttpClient viewer = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
        assertThat(login(viewer, "viewer", "viewer-password", "203.0.113.60")).endsWith("/console");
        String pipeline = viewer.send(HttpRequest.newBuilder(URI.create(url("/console/pipeline"))).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(viewer.send(form(url("/console/callbacks/replay-failed"), "_csrf=" + csrf(pipeline)),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(403);
        browser.get(url("/console/login"));
        assertThat(browser.findElement(By.cssSelector("label[for=username]")).getText()).isEqualTo("User name");
    }

    private void logIn(String user) {
        assertThat(browser.getCurrentUrl()).isEqualTo(url("/console/login"));
        browser.findElement(By.id("username")).sendKeys(user);
        browser.findElement(By.id("password")).sendKeys(user + "-password");
        submit(By.xpath("//button[text()='Log in']"));
    }

    /**
     * Clicks a form's button and waits until the browser has left the page and loaded the answer to the POST: the old
     * document carries a mark the new one lacks. (Waiting for the button to go stale raced the navigation: chromedriver
     * 156 may answer "node does not belong to the document" instead of a stale element.)
     */
    private static void submit(By button) {
        org.openqa.selenium.JavascriptExecutor page = (org.openqa.selenium.JavascriptExecutor) browser;
        page.executeScript("document.documentElement.dataset.leaving = 'yes'");
        browser.findElement(button).click();
        new org.openqa.selenium.support.ui.WebDriverWait(browser, Duration.ofSeconds(20))
                .ignoring(org.openqa.selenium.WebDriverException.class)
                .until(driver -> Boolean.TRUE.equals(page.executeScript("return document.readyState === 'complete'"
                        + " && document.documentElement.dataset.leaving === undefined")));
    }

    private static String text(String id) {
        return browser.findElement(By.id(id)).getText().strip();
    }

    private static void screenshot(String name) throws IOException {
        Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, SCREENSHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }

    private static String fraudCallback(String ref) {
        return fixture("netverify/denied-fraud.txt").replace("xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", ref)
                + "&idFirstName=" + FIRST_NAME + "&idLastName=" + LAST_NAME + "&customerId=CUSTOMER-7";
    }

    private static MimeMessage awaitOneEmail() {
        await().atMost(Duration.ofSeconds(30)).until(() -> smtp.received().size() == 1);
        return smtp.received().get(0);
    }

    private static String link(String text) {
        Matcher matcher = Pattern.compile("Result in the gateway console: (\\S+)").matcher(text);
        assertThat(matcher.find()).as("the email links to the console: %s", text).isTrue();
        return matcher.group(1);
    }

    private static String csrf(String page) {
        Matcher matcher = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(page);
        assertThat(matcher.find()).as("the page's form carries a CSRF token").isTrue();
        return URLEncoder.encode(matcher.group(1), StandardCharsets.UTF_8);
    }

    private static HttpRequest form(String url, String body) {
        return HttpRequest.newBuilder(URI.create(url)).header("Content-Type", FORM)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

}
