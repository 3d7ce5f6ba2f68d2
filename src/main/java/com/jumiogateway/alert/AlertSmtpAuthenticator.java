package com.jumiogateway.alert;

import jakarta.mail.PasswordAuthentication;
import org.apache.camel.component.mail.MailAuthenticator;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/**
 * SMTP credentials for the alert sender's mail endpoint ({@code authenticator=#alertSmtpAuthenticator}), from
 * {@code gateway.alerts.smtp.username/password} (the environment). Kept out of the endpoint URI: the URI is
 * evaluated as a Simple expression (a password holding "${" would be mangled) and shows up in route dumps.
 * No username configured: no SMTP AUTH at all (an internal relay), rather than AUTH with empty credentials.
 */
@Component("alertSmtpAuthenticator")
public class AlertSmtpAuthenticator extends MailAuthenticator {

    private final AlertProperties properties;

    public AlertSmtpAuthenticator(AlertProperties properties) {
        this.properties = properties;
    }

    @Override
    public PasswordAuthentication getPasswordAuthentication() {
        String username = properties.getSmtp().getUsername();
        if (!StringUtils.hasText(username)) {
            return new PasswordAuthentication(null, null);
        }
        String password = properties.getSmtp().getPassword();
        return new PasswordAuthentication(username, password == null ? "" : password);
    }
}
