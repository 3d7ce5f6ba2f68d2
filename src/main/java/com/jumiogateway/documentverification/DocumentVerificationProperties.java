package com.jumiogateway.documentverification;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.util.ArrayList;
import java.util.List;

/** Settings of Document Verification callbacks: which extracted numbers are reduced to their last four digits. */
@ConfigurationProperties(prefix = "gateway.document-verification")
public class DocumentVerificationProperties {

    /**
     * Further JSON field names (anywhere in the callback's JSON) protected like pan, accountNumber and ssn, for
     * numbers Jumio may add to new document types (e.g. routingNumber). Matched without regard to case.
     */
    private List<String> extraMaskedFields = new ArrayList<>();

    /**
     * Protected fields kept in full where compliance requires them: only "ssn" and "accountNumber" are allowed;
     * "pan" is never kept in full. Empty by default: everything is masked.
     */
    private List<String> unmaskedFields = new ArrayList<>();

    public List<String> getExtraMaskedFields() { return extraMaskedFields; }
    public void setExtraMaskedFields(List<String> extraMaskedFields) { this.extraMaskedFields = extraMaskedFields; }
    public List<String> getUnmaskedFields() { return unmaskedFields; }
    public void setUnmaskedFields(List<String> unmaskedFields) { this.unmaskedFields = unmaskedFields; }
}
