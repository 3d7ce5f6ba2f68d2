package com.jumiogateway.console;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** The web console's users (form login) and its page settings. No user configured: nobody can log in. */
@ConfigurationProperties(prefix = "gateway.console")
public class ConsoleProperties {

    /** The console's roles: viewer reads decisions and references, compliance personal data too, admin acts. */
    public enum Role { VIEWER, COMPLIANCE, ADMIN }

    /** One person: a {bcrypt}... password hash and their roles. */
    public static class User {
        private String password;
        private List<Role> roles = new ArrayList<>();

        public String getPassword() { return password; }
        public void setPassword(String password) { this.password = password; }
        public List<Role> getRoles() { return roles; }
        public void setRoles(List<Role> roles) { this.roles = roles; }
    }

    private Map<String, User> users = new LinkedHashMap<>();
    private int pageSize = 50;
    private Duration chartWindow = Duration.ofHours(3);

    public Map<String, User> getUsers() { return users; }
    public void setUsers(Map<String, User> users) { this.users = users; }
    public int getPageSize() { return pageSize; }
    public void setPageSize(int pageSize) { this.pageSize = pageSize; }
    public Duration getChartWindow() { return chartWindow; }
    public void setChartWindow(Duration chartWindow) { this.chartWindow = chartWindow; }
}
