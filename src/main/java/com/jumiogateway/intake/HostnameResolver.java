package com.jumiogateway.intake;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** Resolves Jumio's published callback hostnames. A bean so tests (which have no internet DNS) can answer. */
@FunctionalInterface
public interface HostnameResolver {

    List<InetAddress> resolve(String hostname) throws UnknownHostException;

    static HostnameResolver system() {
        return hostname -> List.of(InetAddress.getAllByName(hostname));
    }
}
