import java.io.IOException;
import java.net.InetSocketAddress;

import com.sun.net.httpserver.HttpServer;

/**
 * A stand-in for a function container, run by ActivatorTest through the activator's command with Java's source
 * launcher: listens on the port given, answers 200 on /q/health/ready, and exits on GET /quit or after 60 s.
 */
public class FakeFunction {
    public static void main(String[] args) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])), 0);
        server.createContext("/q/health/ready", x -> {
            x.sendResponseHeaders(200, -1);
            x.close();
        });
        server.createContext("/quit", x -> {
            x.sendResponseHeaders(200, -1);
            x.close();
            System.exit(0);
        });
        server.start();
        Thread stop = new Thread(() -> {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                return;
            }
            System.exit(0);
        });
        stop.setDaemon(true);
        stop.start();
    }
}
