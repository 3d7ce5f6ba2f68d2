package com.jumiogateway.erasure;

import com.jumiogateway.platform.PlatformApi;
import com.jumiogateway.platform.PlatformProperties;
import com.jumiogateway.reconciliation.JumioApiProperties;
import com.jumiogateway.reconciliation.JumioApiProperties.DataCenter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Asks Jumio to delete a transaction on its side, when an erasure request says {@code deleteAtJumio=true}. Jumio's
 * documented Delete APIs: Netverify {@code DELETE {netverify-url}/api/netverify/v2/scans/<scanReference>}, Document
 * Verification {@code DELETE {document-retrieval-url}/api/netverify/v2/documents/<scanReference>} (HTTP Basic with
 * the retrieval credentials), Platform {@code DELETE {retrieval-url}/api/v1/accounts/<accountId>} (the account and
 * all its workflows) or {@code .../accounts/<accountId>/workflow-executions/<id>} (one workflow), with the Platform
 * bearer token. The outcome is recorded on the tombstone and in the audit; it never undoes the local erasure.
 */
@Component
public class JumioDeletion {

    /** What Jumio answered (recorded as {@code jumio_deletion}). */
    public enum Outcome { DELETED, NOT_FOUND, REFUSED, FAILED, UNREACHABLE, NOT_CONFIGURED, UNKNOWN_TARGET }

    private static final Logger log = LoggerFactory.getLogger(JumioDeletion.class);
    /** Jumio references are UUIDs; anything else never goes into a URL. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{0,99}");

    private final JumioApiProperties jumio;
    private final PlatformProperties platform;
    private final PlatformApi platformApi;
    private final HttpClient http;

    public JumioDeletion(JumioApiProperties jumio, PlatformProperties platform, PlatformApi platformApi) {
        this.jumio = jumio;
        this.platform = platform;
        this.platformApi = platformApi;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofMillis(jumio.getConnectTimeoutMs())).build();
    }

    /** Netverify scan or Document Verification transaction, in its data center (null: the default one). */
    public Outcome deleteScan(String kind, String scanReference, String dataCenter) {
        if (!jumio.credentialsConfigured()) {
            return Outcome.NOT_CONFIGURED;
        }
        if (!ID.matcher(scanReference).matches()) {
            return Outcome.UNKNOWN_TARGET;
        }
        DataCenter center = dataCenter == null ? jumio.getDefaultDataCenter() : DataCenter.valueOf(dataCenter);
        JumioApiProperties.Urls urls = jumio.urls(center);
        String url = "DOCUMENT_VERIFICATION".equals(kind)
                ? strip(urls.getDocumentRetrievalUrl()) + "/api/netverify/v2/documents/" + scanReference
                : strip(urls.getNetverifyUrl()) + "/api/netverify/v2/scans/" + scanReference;
        String basic = Base64.getEncoder().encodeToString((jumio.getApiToken() + ":" + jumio.getApiSecret())
                .getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofMillis(jumio.getReadTimeoutMs()))
                .header("Accept", "application/json")
                .header("Authorization", "Basic " + basic)
                .header("User-Agent", jumio.getUserAgent())
                .DELETE().build();
        try {
            return outcome(http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode(), kind);
        } catch (IOException e) {
            log.warn("Jumio delete of a {} transaction failed: {}", kind, e.getClass().getSimpleName());
            return Outcome.UNREACHABLE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.UNREACHABLE;
        }
    }

    /** Platform: one workflow execution (workflowExecutionId given) or the whole account (null). */
    public Outcome deletePlatform(String accountId, String workflowExecutionId) {
        if (!platform.credentialsConfigured()) {
            return Outcome.NOT_CONFIGURED;
        }
        if (accountId == null || !ID.matcher(accountId).matches()
                || (workflowExecutionId != null && !ID.matcher(workflowExecutionId).matches())) {
            return Outcome.UNKNOWN_TARGET;
        }
        String url = platform.retrievalBase() + "/api/v1/accounts/" + accountId
                + (workflowExecutionId == null ? "" : "/workflow-executions/" + workflowExecutionId);
        try {
            return outcome(platformApi.delete(url).status(), "PLATFORM");
        } catch (IOException e) {
            log.warn("Jumio Platform delete failed: {}", e.getClass().getSimpleName());
            return Outcome.UNREACHABLE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.UNREACHABLE;
        } catch (RuntimeException e) {
            // the token request refused or unreadable
            log.warn("Jumio Platform delete failed: {}", e.getClass().getSimpleName());
            return Outcome.FAILED;
        }
    }

    private static Outcome outcome(int status, String kind) {
        Outcome outcome = status / 100 == 2 ? Outcome.DELETED : status == 404 ? Outcome.NOT_FOUND
                : status == 401 || status == 403 ? Outcome.REFUSED : Outcome.FAILED;
        log.info("Jumio delete of a {} transaction answered {}: {}", kind, status, outcome);
        return outcome;
    }

    private static String strip(String url) {
        String base = url == null ? "" : url.strip();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return base;
    }
}
