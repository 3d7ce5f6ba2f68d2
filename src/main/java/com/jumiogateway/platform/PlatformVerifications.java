package com.jumiogateway.platform;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.jumiogateway.api.BadRequestException;
import com.jumiogateway.store.VerificationResultStore;
import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.camel.Header;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.util.StringUtils;

/** GET /api/platform/verifications: stored Platform results by workflow execution, account or end user. */
public class PlatformVerifications {

    private static final String ORDER = " ORDER BY r.event_time DESC FETCH FIRST 100 ROWS ONLY";

    private final ObjectMapper mapper;
    private final VerificationResultStore results;
    private final JdbcTemplate jdbc;

    public PlatformVerifications(ObjectMapper mapper, VerificationResultStore results, JdbcTemplate jdbc) {
        this.mapper = mapper;
        this.results = results;
        this.jdbc = jdbc;
    }

    /** Stored Platform results by workflowExecutionId, accountId or userReference (newest first, at most 100). */
    public String find(@Header("workflowExecutionId") String executionId, @Header("accountId") String accountId,
                       @Header("userReference") String userReference) {
        Set<String> references = new LinkedHashSet<>();
        if (StringUtils.hasText(executionId)) {
            references.addAll(jdbc.queryForList("SELECT r.scan_reference FROM verification_result r WHERE"
                    + " r.kind = 'PLATFORM' AND r.scan_reference = ?" + ORDER, String.class, executionId.strip()));
        } else if (StringUtils.hasText(accountId)) {
            references.addAll(jdbc.queryForList("SELECT r.scan_reference FROM verification_result r JOIN"
                    + " platform_execution e ON e.workflow_execution_id = r.scan_reference WHERE r.kind = 'PLATFORM'"
                    + " AND e.account_id = ?" + ORDER, String.class, accountId.strip()));
        } else if (StringUtils.hasText(userReference)) {
            references.addAll(jdbc.queryForList("SELECT r.scan_reference FROM verification_result r JOIN"
                    + " platform_execution e ON e.workflow_execution_id = r.scan_reference WHERE r.kind = 'PLATFORM'"
                    + " AND e.user_reference = ?" + ORDER, String.class, userReference.strip()));
        } else {
            throw new BadRequestException("Give one of workflowExecutionId, accountId or userReference");
        }
        try {
            ArrayNode answer = mapper.createArrayNode();
            for (String reference : references) {
                String json = results.findJson(reference);
                if (json != null) {
                    answer.add(mapper.readTree(json));
                }
            }
            return mapper.writeValueAsString(answer);
        } catch (JsonProcessingException e) {
            // results are stored as JSON we wrote: unreadable is a bug, answered 500
            throw new IllegalStateException("A stored Platform result is not readable JSON", e);
        }
    }
}
