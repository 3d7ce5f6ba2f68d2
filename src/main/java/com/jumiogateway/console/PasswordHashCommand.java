package com.jumiogateway.console;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/**
 * {@code java -jar gateway.jar hash-password}: reads a password from standard input (or the terminal, unechoed) and
 * prints its {@code {bcrypt}...} hash for gateway.console.users.&lt;name&gt;.password. The password is never an
 * argument, so it stays out of the shell history and the process list.
 */
public final class PasswordHashCommand {

    private PasswordHashCommand() {
    }

    public static void main(String[] args) {
        String password;
        if (System.console() != null) {
            char[] typed = System.console().readPassword("Password: ");
            password = typed == null ? "" : new String(typed);
        } else {
            String line;
            try {
                line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            password = line == null ? "" : line;
        }
        if (password.isEmpty()) {
            System.err.println("No password given (type it, or pipe it on standard input)");
            System.exit(2);
        }
        System.out.println("{bcrypt}" + new BCryptPasswordEncoder(12).encode(password));
    }
}
