using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace Spark.Tests.Infrastructure.Circuits;

/// <summary>
/// Blazor Server's hub protocol as a .NET client speaks it: the /_blazor hub accepts only "blazorpack", which on the wire
/// is SignalR's MessagePack protocol under that name (blazor.web.js renames the JS MessagePack protocol the same way).
/// Everything is delegated to <see cref="MessagePackHubProtocol"/>; only the name differs. Stateless, so one instance
/// serves every connection.
/// </summary>
public sealed class BlazorPackProtocol : IHubProtocol
{
    private readonly MessagePackHubProtocol messagePack = new();

    public static BlazorPackProtocol Instance { get; } = new();

    public string Name => "blazorpack";

    public int Version => messagePack.Version;

    public TransferFormat TransferFormat => TransferFormat.Binary;

    public bool IsVersionSupported(int version) => messagePack.IsVersionSupported(version);

    public bool TryParseMessage(ref ReadOnlySequence<byte> input, IInvocationBinder binder, [NotNullWhen(true)] out HubMessage? message) =>
        messagePack.TryParseMessage(ref input, binder, out message);

    public void WriteMessage(HubMessage message, IBufferWriter<byte> output) => messagePack.WriteMessage(message, output);

    public ReadOnlyMemory<byte> GetMessageBytes(HubMessage message) => messagePack.GetMessageBytes(message);
}
