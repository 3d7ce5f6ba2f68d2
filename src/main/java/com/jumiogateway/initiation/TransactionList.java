package com.jumiogateway.initiation;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.jumiogateway.reconciliation.PendingTransactions;
import org.apache.camel.Header;
import org.springframework.stereotype.Component;

/** GET /api/transactions: the pending transactions in one state, as JSON. */
@Component("transactionList")
public class TransactionList {

    private final ObjectMapper mapper;
    private final PendingTransactions pending;

    public TransactionList(ObjectMapper mapper, PendingTransactions pending) {
        this.mapper = mapper;
        this.pending = pending;
    }

    /** An unknown state: PendingTransactions throws BadRequestException, answered 400 bad-request by http-errors. */
    public String list(@Header("state") String state) {
        return TransactionApi.json(mapper, pending.list(state));
    }
}
