// The pgjdbc client of the interop matrix (certMatrix.test.ts): compiled once by javac and run with
// `java -cp /usr/share/java/postgresql.jar:DIR MatrixClient JOBS` (Debian's pgjdbc 42.5.x, headless JDK 17).
// JOBS is a file with one job per line, tab-separated: id, JDBC URL, user, password ('' = none), TLS version to pin
// (TLSv1.2 / TLSv1.3), client certificate ('' = none), client key (.pk8, PKCS#8 DER as pgtls writes with --pk8),
// CA file. Every connection uses sslmode=verify-full through Factory below: pgjdbc's own LibPQFactory (the one it
// uses by default for these settings), with the SSLSocket's enabled protocols pinned to the job's version, so one JVM
// serves both versions. Prints one JSON line per job: id, ok, protocol (the JSSE session's negotiated version),
// user, serverVersion and clientDn (pg_stat_ssl of the backend reached), or error (the exception chain's messages).
import java.io.BufferedReader;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Properties;
import javax.net.ssl.SSLSocket;
import org.postgresql.ssl.LibPQFactory;

public class MatrixClient {
  /** pgjdbc's LibPQFactory with the TLS version pinned per connection (property matrixTls). */
  public static class Factory extends LibPQFactory {
    static SSLSocket last;
    private final String version;

    public Factory(Properties info) throws Exception {
      super(info);
      version = info.getProperty("matrixTls");
    }

    @Override
    public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
      Socket t = super.createSocket(s, host, port, autoClose);
      if (t instanceof SSLSocket) {
        SSLSocket ssl = (SSLSocket) t;
        if (version != null && !version.isEmpty()) ssl.setEnabledProtocols(new String[] {version});
        last = ssl;
      }
      return t;
    }
  }

  static String json(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') b.append('\\').append(c);
      else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
      else b.append(c);
    }
    return b.append('"').toString();
  }

  static String errorChain(Throwable e) {
    StringBuilder b = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (b.length() > 0) b.append(" <- ");
      b.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
      if (t.getCause() == t) break;
    }
    return b.toString();
  }

  static String run(String[] f) {
    String id = f[0];
    Properties p = new Properties();
    p.setProperty("user", f[2]);
    if (!f[3].isEmpty()) p.setProperty("password", f[3]);
    p.setProperty("sslmode", "verify-full");
    p.setProperty("sslfactory", Factory.class.getName());
    p.setProperty("matrixTls", f[4]);
    p.setProperty("sslrootcert", f[7]);
    // without sslcert pgjdbc looks for ~/.postgresql/postgresql.crt (HOME is the test's sandbox: none there)
    if (!f[5].isEmpty()) { p.setProperty("sslcert", f[5]); p.setProperty("sslkey", f[6]); }
    p.setProperty("connectTimeout", "10");
    Factory.last = null;
    try (Connection c = DriverManager.getConnection(f[1], p)) {
      String protocol = Factory.last != null ? Factory.last.getSession().getProtocol() : "";
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT current_user, coalesce(s.version, ''), coalesce(s.client_dn, '') "
              + "FROM pg_stat_ssl s WHERE s.pid = pg_backend_pid()")) {
        rs.next();
        return "{\"id\":" + json(id) + ",\"ok\":true,\"protocol\":" + json(protocol) + ",\"user\":" + json(rs.getString(1))
            + ",\"serverVersion\":" + json(rs.getString(2)) + ",\"clientDn\":" + json(rs.getString(3)) + "}";
      }
    } catch (Throwable e) {
      return "{\"id\":" + json(id) + ",\"ok\":false,\"error\":" + json(errorChain(e)) + "}";
    }
  }

  public static void main(String[] args) throws Exception {
    try (BufferedReader r = Files.newBufferedReader(Path.of(args[0]))) {
      for (String line; (line = r.readLine()) != null; ) {
        if (line.isEmpty()) continue;
        System.out.println(run(line.split("\t", -1)));
        System.out.flush();
      }
    }
  }
}
