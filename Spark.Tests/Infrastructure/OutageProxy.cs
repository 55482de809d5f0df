using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Spark.Tests.Infrastructure;

/// <summary>
/// A TCP proxy between one app under test and the shared test cluster, so a test can take "the database" away from
/// that app alone: stopping the real cluster would fail every other test class running beside it. While down, the
/// proxy resets every open connection and every new one (what a crashed or restarting server looks like to Npgsql).
/// </summary>
public sealed class OutageProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly ConcurrentDictionary<Guid, (Socket Client, Socket Server)> _links = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly int _targetPort;
    private readonly Task _accepting;
    private volatile bool _down;

    public OutageProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Connections refused or cut so far: a test can check that its outage really met the app.</summary>
    public int Refused => _refused;

    private int _refused;

    /// <summary>The same connection string, through this proxy.</summary>
    public string Route(string connectionString) => new NpgsqlConnectionStringBuilder(connectionString) { Port = Port }.ConnectionString;

    /// <summary>The database goes away: open connections are reset, new ones too, until <see cref="Restore"/>.</summary>
    public void Cut()
    {
        _down = true;
        foreach (var (id, link) in _links)
        {
            Reset(link.Client);
            Reset(link.Server);
            _links.TryRemove(id, out _);
            Interlocked.Increment(ref _refused);
        }
    }

    public void Restore() => _down = false;

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            if (_down)
            {
                Reset(client);
                Interlocked.Increment(ref _refused);
                continue;
            }

            _ = LinkAsync(client);
        }
    }

    private async Task LinkAsync(Socket client)
    {
        var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.NoDelay = true;
        var id = Guid.NewGuid();
        try
        {
            await server.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
            _links[id] = (client, server);
            // A cut that raced this connect: it must not survive the outage.
            if (_down) throw new SocketException((int)SocketError.ConnectionReset);
            await Task.WhenAny(PumpAsync(client, server), PumpAsync(server, client));
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
        finally
        {
            _links.TryRemove(id, out _);
            Reset(client);
            Reset(server);
        }
    }

    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (read == 0) return;
                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
    }

    private static void Reset(Socket socket)
    {
        try
        {
            // Linger 0: close with RST, as a dead server's host answers, not an orderly FIN.
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        foreach (var (_, link) in _links)
        {
            Reset(link.Client);
            Reset(link.Server);
        }

        await _accepting;
        _stop.Dispose();
    }
}
