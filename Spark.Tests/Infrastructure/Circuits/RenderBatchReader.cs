using System.Buffers.Binary;
using System.Text;

namespace Spark.Tests.Infrastructure.Circuits;

/// <summary>
/// Reads the attribute values out of a Blazor Server render batch (the bytes of a <c>JS.RenderBatch</c> message), in the
/// layout the server's RenderBatchWriter writes and blazor.web.js's OutOfProcessRenderBatch reads: five int32 offsets at
/// the end (updated components, reference frames, disposed component ids, disposed event handler ids, string table);
/// reference frames as a count and fixed 20-byte entries (frame type, then type-specific fields); an attribute frame
/// (type 3) holds the string-table indexes of its name and value (−1 for null); each string-table entry is the position of
/// a length-prefixed (7-bit encoded) UTF-8 string. Every attribute a batch adds or changes is a reference frame — a
/// SetAttribute edit points at one — so this sees every new attribute value in the batch.
/// </summary>
public static class RenderBatchReader
{
    private const int AttributeFrame = 3;
    private const int FrameSize = 20;
    private const int TrailerSize = 20;

    /// <summary>(name, value) of every attribute frame in the batch, in frame order; value is null for a null string.</summary>
    public static List<(string Name, string? Value)> Attributes(ReadOnlySpan<byte> batch)
    {
        if (batch.Length < TrailerSize) throw new InvalidDataException($"A render batch of {batch.Length} bytes has no trailer.");
        var frames = Int(batch, batch.Length - 16);
        var strings = Int(batch, batch.Length - 4);
        var count = Int(batch, frames);
        if (count < 0 || frames + 4 + (long)count * FrameSize > batch.Length - TrailerSize)
        {
            throw new InvalidDataException($"The reference frames ({count} at {frames}) run past the batch's {batch.Length} bytes.");
        }

        var attributes = new List<(string, string?)>();
        for (var i = 0; i < count; i++)
        {
            var frame = frames + 4 + i * FrameSize;
            if (Int(batch, frame) != AttributeFrame) continue;
            var name = String(batch, strings, Int(batch, frame + 4));
            if (name is null) continue;
            attributes.Add((name, String(batch, strings, Int(batch, frame + 8))));
        }

        return attributes;
    }

    private static string? String(ReadOnlySpan<byte> batch, int table, int index)
    {
        if (index == -1) return null;
        var entry = table + (long)index * 4;
        if (index < 0 || entry + 4 > batch.Length - TrailerSize) throw new InvalidDataException($"String {index} is outside the string table.");
        var at = Int(batch, (int)entry);
        // BinaryWriter.Write(string): the UTF-8 byte count in 7-bit groups, low group first, high bit = more follows.
        var length = 0;
        for (var shift = 0; ; shift += 7)
        {
            if (at >= batch.Length || shift > 28) throw new InvalidDataException($"String {index} has a malformed length.");
            var b = batch[at++];
            length |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) break;
        }

        if (length < 0 || at + length > batch.Length) throw new InvalidDataException($"String {index} runs past the batch.");
        return Encoding.UTF8.GetString(batch.Slice(at, length));
    }

    private static int Int(ReadOnlySpan<byte> batch, int at)
    {
        if (at < 0 || at + 4 > batch.Length) throw new InvalidDataException($"Offset {at} is outside the batch's {batch.Length} bytes.");
        return BinaryPrimitives.ReadInt32LittleEndian(batch.Slice(at, 4));
    }
}
