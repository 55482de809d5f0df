using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Spark.Tests.Infrastructure;

/// <summary>A local SMTP server speaking just enough of RFC 5321 to receive one mail at a time.</summary>
public sealed class StubSmtpServer : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stop = new();
    private readonly Task serving;

    public StubSmtpServer()
    {
        listener.Start();
        serving = Task.Run(ServeAsync);
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    public List<(string From, List<string> To, string Data)> Received { get; } = [];

    private async Task ServeAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await listener.AcceptTcpClientAsync(stop.Token); }
            // Disposal stops the listener: an accept already under way, or one begun just after, ends the loop.
            catch (Exception e) when (e is OperationCanceledException or InvalidOperationException or ObjectDisposedException or SocketException) { return; }
            using (client)
            {
                var stream = client.GetStream();
                using var reader = new StreamReader(stream, Encoding.ASCII);
                using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
                await writer.WriteLineAsync("220 stub ESMTP");
                string from = "";
                var to = new List<string>();
                while (await reader.ReadLineAsync() is { } line)
                {
                    var verb = line.Split(' ', 2)[0].ToUpperInvariant();
                    switch (verb)
                    {
                        case "EHLO" or "HELO": await writer.WriteLineAsync("250 stub"); break;
                        case "MAIL": from = line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim(); await writer.WriteLineAsync("250 OK"); break;
                        case "RCPT": to.Add(line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim()); await writer.WriteLineAsync("250 OK"); break;
                        case "DATA":
                            await writer.WriteLineAsync("354 end with .");
                            var data = new StringBuilder();
                            while (await reader.ReadLineAsync() is { } body && body != ".") data.AppendLine(body);
                            lock (Received) Received.Add((from, to, data.ToString()));
                            await writer.WriteLineAsync("250 queued");
                            break;
                        case "QUIT": await writer.WriteLineAsync("221 bye"); goto done;
                        default: await writer.WriteLineAsync("250 OK"); break;
                    }
                }
                done:;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        try { await serving; } catch (OperationCanceledException) { }
        stop.Dispose();
    }
}
