package com.jumiogateway;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class GatewayApplication {
    public static void main(String[] args) {
        if (args.length > 0 && "simulate".equals(args[0])) {
            // jumio-sim: the packaged jar's second mode; plain Java, no Spring context (see README "Jumio simulator")
            com.jumiogateway.simulator.JumioSimulator.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && "hash-password".equals(args[0])) {
            // a {bcrypt}... hash for a console user's password (see README "Web console"); no Spring context
            com.jumiogateway.console.PasswordHashCommand.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        SpringApplication.run(GatewayApplication.class, args);
    }
}
