using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Spark.Core;
using Spark.Core.Platforms;
using Spark.Core.Platforms.Brokers;
using Spark.Data;
using Spark.Data.Conversions;
using Spark.Web.Hosting;
using Spark.Web.Security;

namespace Spark.Web.Services.Connections;

/// <summary>
/// An investor's broker connections: connecting (keys checked or a redirect login completed), reconnecting,
/// sync settings and disconnecting. Credentials are stored encrypted (<see cref="ConnectionSecrets"/>) and never
/// returned. Syncing itself is <see cref="SyncService"/>'s.
/// </summary>
public sealed partial class ConnectionService(
    SparkDb db,
    BrokerRegistry brokers,
    ConnectionSecrets secrets,
    SyncService sync,
    ConnectionScheduler scheduler,
    IDataProtectionProvider protection,
    IOptions<SparkOptions> spark,
    AuditTrail audit,
    TimeProvider clock,
    ILogger<ConnectionService> log)
{
    /// <summary>How long a redirect login may take between Spark sending the investor off and the broker sending them back.</summary>
    public static readonly TimeSpan LoginWindow = TimeSpan.FromMinutes(15);

    private ITimeLimitedDataProtector StateProtector =>
        protection.CreateProtector("Spark.Connections.LoginState").ToTimeLimitedDataProtector();

    /// <remarks>
    /// The connections and their latest runs are read in one snapshot. A sync ends by writing its log and its connection
    /// together; two reads either side of that commit showed a run "Completed" beside a connection still "Syncing", which
    /// no later read corrected because the page follows only runs under way.
    /// </remarks>
    public async Task<IReadOnlyList<ConnectionView>> ListAsync(Guid userId, CancellationToken cancellationToken = default)
    {
        await using var context = db.ForUser(userId);
        await using var snapshot = await context.Database.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        var rows = await context.PlatformConnections.AsNoTracking().OrderBy(c => c.DisconnectedAt != null).ThenBy(c => c.CreatedAt)
            .ToListAsync(cancellationToken);
        var ids = rows.Select(c => c.Id).ToList();
        var latest = await context.SyncLogs.AsNoTracking().Where(l => ids.Contains(l.ConnectionId))
            .GroupBy(l => l.ConnectionId).Select(g => g.OrderByDescending(l => l.CreatedAt).ThenByDescending(l => l.Id).First())
            .ToListAsync(cancellationToken);
        await snapshot.CommitAsync(cancellationToken);
        var byConnection = latest.ToDictionary(l => l.ConnectionId);
        return rows.Select(c => View(c, byConnection.GetValueOrDefault(c.Id))).ToList();
    }

    /// <remarks>One snapshot for the connection and its latest run, as <see cref="ListAsync"/>.</remarks>
    public async Task<ConnectionView?> GetAsync(Guid userId, Guid id, CancellationToken cancellationToken = default)
    {
        await using var context = db.ForUser(userId);
        await using var snapshot = await context.Database.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        var row = await context.PlatformConnections.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (row is null) return null;
        var last = await context.SyncLogs.AsNoTracking().Where(l => l.ConnectionId == id).OrderByDescending(l => l.CreatedAt).ThenByDescending(l => l.Id)
            .FirstOrDefaultAsync(cancellationToken);
        await snapshot.CommitAsync(cancellationToken);
        return View(row, last);
    }

    /// <summary>
    /// Connects a broker. Key brokers (Binance, Groww) are checked with the broker now and start their first sync;
    /// redirect brokers (Kite, Upstox) are stored awaiting the login and answer with the URL to send the investor to.
    /// </summary>
    /// <exception cref="FieldValidationException">A field is missing or wrong, or the broker refused the keys.</exception>
    /// <exception cref="ConflictException">This broker is already connected.</exception>
    public async Task<ConnectionView> ConnectAsync(Guid userId, ConnectionRequest request, CancellationToken cancellationToken = default)
    {
        Spark.Core.Accounts.Impersonation.EnsureMayWrite(userId, "connect a broker");
        ArgumentNullException.ThrowIfNull(request);
        var errors = new Dictionary<string, string[]>();
        var platform = request.Platform?.Trim().ToLowerInvariant() ?? "";
        if (!PlatformNames.Connectable.Contains(platform)) errors["platform"] = ["Choose zerodha, upstox, binance or groww."];
        var apiKey = request.ApiKey?.Trim() ?? "";
        var apiSecret = request.ApiSecret?.Trim() ?? "";
        CheckKeys(apiKey, apiSecret, platform, errors);
        if (request.SyncFrequencyMinutes is { } f && !BrokerNames.Frequencies.Contains(f)) errors["syncFrequencyMinutes"] = [FrequencyMessage];
        if (errors.Count > 0) throw new FieldValidationException(errors);

        var adapter = brokers.For(platform);
        var credentials = new BrokerCredentials(apiKey, apiSecret);
        BrokerSession? session = null;
        if (adapter.Flow == BrokerAuthFlow.Keys)
        {
            var answer = await adapter.ConnectAsync(credentials, null, null, cancellationToken);
            if (!answer.Succeeded) throw KeysRefused(answer.Failure!);
            session = answer.Value;
        }

        var now = clock.GetUtcNow();
        var connection = new PlatformConnection
        {
            UserId = userId,
            Platform = platform,
            ApiKey = "",
            ApiSecret = "",
            Status = session is null ? ConnectionStatus.Disconnected : ConnectionStatus.Connected,
            ReconnectRequired = session is null,
            SyncFrequencyMinutes = request.SyncFrequencyMinutes ?? 60,
            AutoSyncEnabled = request.AutoSyncEnabled ?? true,
            CreatedAt = now,
            UpdatedAt = now,
        };
        secrets.Store(connection, credentials, session);
        await using (var context = db.ForUser(userId))
        {
            // A connection awaiting its first login is kept as disconnected; an earlier one of the same broker that never
            // finished its login is replaced rather than left to pile up.
            await context.PlatformConnections.Where(c => c.Platform == platform && c.Status == ConnectionStatus.Disconnected && c.LastSynced == null)
                .ExecuteDeleteAsync(cancellationToken);
            if (await context.PlatformConnections.AnyAsync(c => c.Platform == platform && c.Status != ConnectionStatus.Disconnected, cancellationToken))
            {
                throw new ConflictException($"{BrokerNames.Display(platform)} is already connected. Reconnect or disconnect it first.");
            }

            context.PlatformConnections.Add(connection);
            try
            {
                await context.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException e) when (e.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation })
            {
                throw new ConflictException($"{BrokerNames.Display(platform)} is already connected. Reconnect or disconnect it first.");
            }
        }

        await audit.RecordAsync(AuditActions.ConnectionCreated, userId, entityType: "platform_connection", entityId: connection.Id, details: new { platform }, cancellationToken: cancellationToken);
        LogConnected(log, connection.Id, platform, adapter.Flow);
        if (session is not null) await AfterConnectAsync(connection, cancellationToken);
        var view = await GetAsync(userId, connection.Id, cancellationToken) ?? throw new InvalidOperationException("The connection vanished.");
        return session is null ? view with { AuthorizationUrl = LoginUrl(adapter, credentials, userId, connection.Id).ToString() } : view;
    }

    /// <summary>The broker's login page for a redirect connection (a fresh state each time).</summary>
    public async Task<string?> LoginUrlAsync(Guid userId, Guid id, CancellationToken cancellationToken = default)
    {
        Spark.Core.Accounts.Impersonation.EnsureMayWrite(userId, "connect a broker");
        await using var context = db.ForUser(userId);
        var row = await context.PlatformConnections.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (row is null) return null;
        var adapter = brokers.For(row.Platform);
        if (adapter.Flow != BrokerAuthFlow.Redirect) throw new ConflictException($"{BrokerNames.Display(row.Platform)} connects with keys, not a login page.");
        return LoginUrl(adapter, secrets.Credentials(row), userId, id).ToString();
    }

    /// <summary>
    /// Finishes a redirect login: the broker sent the investor back with a one-time code and Spark's state. The state
    /// names the connection and the investor, and is only good for <see cref="LoginWindow"/>; a login begun by someone
    /// else (or for another investor) is refused.
    /// </summary>
    /// <returns>The connection, now connected; null if the state names no connection of this investor.</returns>
    /// <exception cref="DomainException">The state is stale or forged, or the broker refused the code.</exception>
    public async Task<ConnectionView?> AuthorizeAsync(Guid userId, string? code, string? state, CancellationToken cancellationToken = default)
    {
        Spark.Core.Accounts.Impersonation.EnsureMayWrite(userId, "connect a broker");
        if (string.IsNullOrWhiteSpace(code)) throw new FieldValidationException(new Dictionary<string, string[]> { ["code"] = ["The broker sent no login code; start the connection again."] });
        var connectionId = ReadState(state, userId);
        await using var context = db.ForUser(userId);
        var row = await context.PlatformConnections.SingleOrDefaultAsync(c => c.Id == connectionId, cancellationToken);
        if (row is null) return null;
        var adapter = brokers.For(row.Platform);
        var answer = await adapter.ConnectAsync(secrets.Credentials(row), code.Trim(), Callback(row.Platform), cancellationToken);
        if (!answer.Succeeded) throw new DomainException($"{BrokerNames.Display(row.Platform)} did not accept the login: {answer.Failure!.Message}");
        if (row.Status == ConnectionStatus.Disconnected && row.LastSynced is not null && row.DisconnectedAt is not null)
        {
            throw new ConflictException("This connection was disconnected; connect the broker again.");
        }

        secrets.Store(row, secrets.Credentials(row), answer.Value!);
        row.Status = ConnectionStatus.Connected;
        row.ReconnectRequired = false;
        row.LastError = null;
        row.UpdatedAt = clock.GetUtcNow();
        try
        {
            await context.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (e.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation })
        {
            throw new ConflictException($"{BrokerNames.Display(row.Platform)} is already connected.");
        }

        await audit.RecordAsync(AuditActions.ConnectionAuthorized, userId, entityType: "platform_connection", entityId: row.Id, details: new { platform = row.Platform }, cancellationToken: cancellationToken);
        await AfterConnectAsync(row, cancellationToken);
        return await GetAsync(userId, row.Id, cancellationToken);
    }

    /// <summary>
    /// Reconnects after the broker's token died: key brokers are checked again (with new keys if given) and sync;
    /// redirect brokers answer with a fresh login URL.
    /// </summary>
    public async Task<ConnectionView?> ReconnectAsync(Guid userId, Guid id, ReconnectRequest request, CancellationToken cancellationToken = default)
    {
        Spark.Core.Accounts.Impersonation.EnsureMayWrite(userId, "reconnect a broker");
        ArgumentNullException.ThrowIfNull(request);
        await using var context = db.ForUser(userId);
        var row = await context.PlatformConnections.SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (row is null) return null;
        if (row.DisconnectedAt is not null) throw new ConflictException("This connection was disconnected; connect the broker again.");
        var stored = secrets.Credentials(row);
        var credentials = new BrokerCredentials(
            string.IsNullOrWhiteSpace(request.ApiKey) ? stored.ApiKey : request.ApiKey.Trim(),
            string.IsNullOrWhiteSpace(request.ApiSecret) ? stored.ApiSecret : request.ApiSecret.Trim());
        var errors = new Dictionary<string, string[]>();
        CheckKeys(credentials.ApiKey, credentials.ApiSecret, row.Platform, errors);
        if (errors.Count > 0) throw new FieldValidationException(errors);
        var adapter = brokers.For(row.Platform);
        if (adapter.Flow == BrokerAuthFlow.Redirect)
        {
            secrets.Store(row, credentials, null);
            row.ReconnectRequired = true;
            row.UpdatedAt = clock.GetUtcNow();
            await context.SaveChangesAsync(cancellationToken);
            var view = await GetAsync(userId, id, cancellationToken);
            return view! with { AuthorizationUrl = LoginUrl(adapter, credentials, userId, id).ToString() };
        }

        var answer = await adapter.ConnectAsync(credentials, null, null, cancellationToken);
        if (!answer.Succeeded) throw KeysRefused(answer.Failure!);
        secrets.Store(row, credentials, answer.Value!);
        row.Status = ConnectionStatus.Connected;
        row.ReconnectRequired = false;
        row.LastError = null;
        row.UpdatedAt = clock.GetUtcNow();
        await context.SaveChangesAsync(cancellationToken);
        await audit.RecordAsync(AuditActions.ConnectionReconnected, userId, entityType: "platform_connection", entityId: row.Id, details: new { platform = row.Platform }, cancellationToken: cancellationToken);
        await AfterConnectAsync(row, cancellationToken);
        return await GetAsync(userId, id, cancellationToken);
    }

    /// <exception cref="FieldValidationException">The frequency is not one Spark offers.</exception>
    public async Task<ConnectionView?> UpdateAsync(Guid userId, Guid id, ConnectionUpdate update, CancellationToken cancellationToken = default)
    {
        Spark.Core.Accounts.Impersonation.EnsureMayWrite(userId, "change a connection");
        ArgumentNullException.ThrowIfNull(update);
        if (update.SyncFrequencyMinutes is { } f && !BrokerNames.Frequencies.Contains(f))
        {
            throw new FieldValidationException(new Dictionary<string, string[]> { ["syncFrequencyMinutes"] = [FrequencyMessage] });
        }

        await using var context = db.ForUser(userId);
        var row = await context.PlatformConnections.SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (row is null) return null;
        if (update.SyncFrequencyMinutes is { } minutes) row.SyncFrequencyMinutes = minutes;
        if (update.AutoSyncEnabled is { } auto) row.AutoSyncEnabled = auto;
        row.UpdatedAt = clock.GetUtcNow();
        await context.SaveChangesAsync(cancellationToken);
        await scheduler.UpsertAsync(row, cancellationToken);
        return await GetAsync(userId, id, cancellationToken);
    }

    /// <summary>
    /// Disconnects: the credentials and tokens are wiped and syncing stops. With <paramref name="deleteHistory"/>,
    /// every transaction recorded on this broker's platform (synced or imported) goes too, with its holdings, and the
    /// connection row with its sync logs; without it, the history stays and the connection is kept as disconnected.
    /// </summary>
    /// <returns>False if there is no such connection of this investor.</returns>
    public async Task<bool> DisconnectAsync(Guid userId, Guid id, bool deleteHistory, CancellationToken cancellationToken = default)
    {
        Spark.Core.Accounts.Impersonation.EnsureMayWrite(userId, "disconnect a broker");
        await using var context = db.ForUser(userId);
        await using var tx = await context.Database.BeginTransactionAsync(cancellationToken);
        var row = await context.PlatformConnections.FromSql($"SELECT * FROM platform_connections WHERE id = {id} FOR UPDATE")
            .SingleOrDefaultAsync(cancellationToken);
        if (row is null) return false;
        var platform = row.Platform;
        if (deleteHistory)
        {
            // The holdings of this platform, locked in id order as every ledger write does, then their rows.
            var holdings = await context.Investments.FromSql($"SELECT * FROM investments WHERE platform = {platform} ORDER BY id FOR UPDATE")
                .AsNoTracking().Select(i => i.Id).ToListAsync(cancellationToken);
            await context.Database.ExecuteSqlInterpolatedAsync($"DELETE FROM transactions WHERE platform = {platform}", cancellationToken);
            if (holdings.Count > 0)
            {
                await context.InvestmentLots.Where(l => holdings.Contains(l.InvestmentId)).ExecuteDeleteAsync(cancellationToken);
                await context.Investments.Where(i => holdings.Contains(i.Id)).ExecuteDeleteAsync(cancellationToken);
            }

            context.PlatformConnections.Remove(row);
        }
        else
        {
            secrets.Wipe(row);
            row.Status = ConnectionStatus.Disconnected;
            row.ReconnectRequired = false;
            row.AutoSyncEnabled = false;
            row.DisconnectedAt = row.UpdatedAt = clock.GetUtcNow();
        }

        await context.SaveChangesAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
        sync.Committed(userId);
        await scheduler.RemoveAsync(id, cancellationToken);
        await audit.RecordAsync(deleteHistory ? AuditActions.ConnectionDeleted : AuditActions.ConnectionDisconnected, userId,
            entityType: "platform_connection", entityId: id, details: new { platform, deleteHistory }, cancellationToken: cancellationToken);
        return true;
    }

    /// <summary>Where a redirect broker sends the investor back: the URL registered in the broker's developer console.</summary>
    public Uri Callback(string platform) => new(spark.Value.PublicBaseUri, $"connections/callback/{platform}");

    private async Task AfterConnectAsync(PlatformConnection connection, CancellationToken cancellationToken)
    {
        await scheduler.UpsertAsync(connection, cancellationToken);
        await sync.RequestAsync(connection.UserId, connection.Id, Core.Platforms.SyncType.Auto, cancellationToken);
    }

    private Uri LoginUrl(IBrokerAdapter adapter, BrokerCredentials credentials, Guid userId, Guid connectionId) =>
        adapter.LoginUrl(credentials, Callback(adapter.Platform), StateProtector.Protect($"{userId:N}.{connectionId:N}", LoginWindow));

    private Guid ReadState(string? state, Guid userId)
    {
        string payload;
        try
        {
            payload = StateProtector.Unprotect(state ?? "");
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            throw new DomainException("This login link has expired or was not started here. Start the connection again from Settings → Connections.");
        }

        var parts = payload.Split('.');
        if (parts.Length != 2 || !Guid.TryParseExact(parts[0], "N", out var owner) || !Guid.TryParseExact(parts[1], "N", out var connectionId) || owner != userId)
        {
            throw new DomainException("This login was started by another account. Sign in as that account, or start the connection again.");
        }

        return connectionId;
    }

    private static void CheckKeys(string apiKey, string apiSecret, string platform, Dictionary<string, string[]> errors)
    {
        if (apiKey.Length == 0) errors["apiKey"] = ["Enter the API key from your broker's developer console."];
        else if (apiKey.Length > 1000 || apiKey.Any(char.IsControl)) errors["apiKey"] = ["That does not look like an API key (at most 1,000 characters, no line breaks)."];
        // Groww can issue an access token from the key alone (its TOTP flow); the others sign or exchange with a secret.
        var needsSecret = platform != PlatformNames.Groww;
        if (needsSecret && apiSecret.Length == 0) errors["apiSecret"] = ["Enter the API secret that goes with the key."];
        else if (apiSecret.Length > 500 || apiSecret.Any(char.IsControl)) errors["apiSecret"] = ["That does not look like an API secret (at most 500 characters, no line breaks)."];
    }

    private static FieldValidationException KeysRefused(BrokerFailure failure) => failure.Kind switch
    {
        BrokerFailureKind.PermissionRefused => new(new Dictionary<string, string[]> { ["apiKey"] = [failure.Message] }),
        BrokerFailureKind.InvalidCredentials or BrokerFailureKind.AuthExpired =>
            new(new Dictionary<string, string[]> { ["apiKey"] = [$"The broker did not accept these keys: {failure.Message}"] }),
        _ => new(new Dictionary<string, string[]> { ["platform"] = [$"The broker could not be reached to check the keys ({failure.Message}). Try again in a minute."] }),
    };

    private const string FrequencyMessage = "Choose 15, 30, 60, 120, 240, 360, 720 or 1,440 minutes.";

    private ConnectionView View(PlatformConnection c, SyncLog? last) => new(
        c.Id, c.Platform, BrokerNames.Display(c.Platform), SnakeCaseEnum.ToStored(c.Status), c.ReconnectRequired, c.LastError, c.LastSynced,
        c.SyncFrequencyMinutes, c.AutoSyncEnabled, c.HoldingsCount, c.TotalValue, secrets.MaskedKey(c), c.AccountName,
        brokers.Has(c.Platform) ? SnakeCaseEnum.ToStored(brokers.For(c.Platform).Flow) : "keys", c.CreatedAt, c.DisconnectedAt,
        last is null ? null : SyncService.View(last));

    [LoggerMessage(LogLevel.Information, "Connection {ConnectionId} to {Platform} created ({Flow})")]
    private static partial void LogConnected(ILogger logger, Guid connectionId, string platform, BrokerAuthFlow flow);
}
