// socklab sample: correct -- the echo server in Java; the JVM binds 127.0.0.1 through an IPv6 socket (::ffff:127.0.0.1)
// expect: pass core
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

public class Server5 {
  // Python's repr of bytes: b'a', with \xNN for what is not printable ASCII.
  static String bytesRepr(byte[] b, int n) {
    StringBuilder s = new StringBuilder("b'");
    for (int i = 0; i < n; i++) {
      int c = b[i] & 0xff;
      if (c == '\\' || c == '\'') s.append('\\').append((char) c);
      else if (c == '\n') s.append("\\n");
      else if (c == '\r') s.append("\\r");
      else if (c == '\t') s.append("\\t");
      else if (c >= 0x20 && c < 0x7f) s.append((char) c);
      else s.append(String.format("\\x%02x", c));
    }
    return s.append('\'').toString();
  }

  public static void main(String[] args) throws Exception {
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 9999))) {
      byte[] buf = new byte[1024];
      while (true) {
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        s.receive(p);
        System.out.println(bytesRepr(buf, p.getLength()) + " ('" + p.getAddress().getHostAddress() + "', " + p.getPort() + ")");
        System.out.flush();
        byte[] hello = "Hello,".getBytes(StandardCharsets.US_ASCII);
        byte[] reply = new byte[hello.length + p.getLength()];
        System.arraycopy(hello, 0, reply, 0, hello.length);
        System.arraycopy(buf, 0, reply, hello.length, p.getLength());
        s.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
      }
    }
  }
}
