package com.jumiogateway.reconciliation;

import com.jumiogateway.result.CallbackKind;
import com.jumiogateway.routing.ExchangeNames;
import org.apache.camel.ExchangeProperty;
import org.springframework.stereotype.Component;

/**
 * URLs of Jumio's Retrieval API for a pending transaction: Netverify scans on the data center's Netverify host,
 * Document Verification documents on its retrieval host (both from gateway.jumio.data-centers).
 */
@Component("retrievalEndpoints")
public class RetrievalEndpoints {

    private final JumioApiProperties jumio;

    public RetrievalEndpoints(JumioApiProperties jumio) {
        this.jumio = jumio;
    }

    public String statusUrl(@ExchangeProperty(ExchangeNames.PENDING_TRANSACTION) PendingTransaction row) {
        return base(row) + row.statusPath();
    }

    public String dataUrl(@ExchangeProperty(ExchangeNames.PENDING_TRANSACTION) PendingTransaction row) {
        return base(row) + row.dataPath();
    }

    private String base(PendingTransaction row) {
        JumioApiProperties.Urls urls = jumio.urls(row.dataCenter());
        String base = row.kind() == CallbackKind.DOCUMENT_VERIFICATION ? urls.getDocumentRetrievalUrl() : urls.getNetverifyUrl();
        if (base == null || base.isBlank()) {
            throw new IllegalStateException("No retrieval base URL configured for " + row.kind() + " in " + row.dataCenter());
        }
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }
}
