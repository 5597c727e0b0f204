using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using IncidentBot.Teams.Cards;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Teams.Cards;

/// <summary>The Teams app package must parse, match the ids the code handles, and carry icons Teams accepts.</summary>
public class TeamsManifestTests
{
    private const string Placeholder = "00000000-0000-0000-0000-000000000000";

    private static string Folder() => Repository.PathOf("manifests", "teams");

    private static JsonNode Manifest() => JsonNode.Parse(File.ReadAllText(Path.Combine(Folder(), "manifest.json")))!;

    [Fact]
    public void Manifest_IsVersion117_WithParseablePlaceholders()
    {
        var manifest = Manifest();

        Assert.Equal("1.17", (string?)manifest["manifestVersion"]);
        Assert.Equal("https://developer.microsoft.com/en-us/json-schemas/teams/v1.17/MicrosoftTeams.schema.json", (string?)manifest["$schema"]);
        Assert.Equal("1.0.0", (string?)manifest["version"]);
        Assert.Equal(Placeholder, (string?)manifest["id"]);
        Assert.Equal(Placeholder, (string?)manifest["bots"]![0]!["botId"]);
        Assert.Equal(Placeholder, (string?)manifest["composeExtensions"]![0]!["botId"]);
        Assert.Equal(["incidents.example.com"], manifest["validDomains"]!.AsArray().Select(d => (string)d!));
        Assert.Equal(["identity", "messageTeamMembers"], manifest["permissions"]!.AsArray().Select(p => (string)p!));
    }

    [Fact]
    public void Manifest_TextsFitTheSchemaLimits()
    {
        var manifest = Manifest();

        Assert.InRange(((string?)manifest["name"]!["short"])!.Length, 1, 30);
        Assert.InRange(((string?)manifest["name"]!["full"])!.Length, 1, 100);
        Assert.InRange(((string?)manifest["description"]!["short"])!.Length, 1, 80);
        Assert.InRange(((string?)manifest["description"]!["full"])!.Length, 1, 4000);
        Assert.Matches("^#[0-9A-Fa-f]{6}$", (string?)manifest["accentColor"]);
        foreach (var key in new[] { "websiteUrl", "privacyUrl", "termsOfUseUrl" })
        {
            Assert.StartsWith("https://", (string?)manifest["developer"]![key]);
        }
    }

    [Fact]
    public void ComposeCommands_MatchTheCode()
    {
        var commands = Manifest()["composeExtensions"]![0]!["commands"]!.AsArray();

        var declare = Assert.Single(commands, c => (string?)c!["id"] == TeamsCards.DeclareCommand)!;
        Assert.Equal("action", (string?)declare["type"]);
        Assert.True((bool)declare["fetchTask"]!);
        Assert.Equal(["compose", "commandBox", "message"], declare["context"]!.AsArray().Select(c => (string)c!));

        var capture = Assert.Single(commands, c => (string?)c!["id"] == TeamsCards.CaptureCommand)!;
        Assert.Equal("action", (string?)capture["type"]);
        Assert.True((bool)capture["fetchTask"]!);
        Assert.Equal(["message"], capture["context"]!.AsArray().Select(c => (string)c!));

        var key = Assert.Single(commands, c => (string?)c!["id"] == TeamsCards.KeyMomentCommand)!;
        Assert.Equal(("action", "Mark as key moment"), ((string?)key["type"], (string?)key["title"]));
        Assert.True((bool)key["fetchTask"]!);
        Assert.Equal(["message"], key["context"]!.AsArray().Select(c => (string)c!));

        Assert.Equal(3, commands.Count);
        Assert.All(commands, c => Assert.InRange(((string?)c!["title"])!.Length, 1, 32));
    }

    [Fact]
    public void Bot_WorksInEveryScope_WithACommandListForEach()
    {
        var bot = Assert.Single(Manifest()["bots"]!.AsArray())!;

        string[] scopes = ["personal", "team", "groupChat"];
        Assert.Equal(scopes, bot["scopes"]!.AsArray().Select(s => (string)s!));
        Assert.False((bool)bot["supportsFiles"]!);
        Assert.False((bool)bot["isNotificationOnly"]!);

        var lists = bot["commandLists"]!.AsArray();
        Assert.Equal(scopes.Order(StringComparer.Ordinal), lists.SelectMany(l => l!["scopes"]!.AsArray().Select(s => (string)s!)).Order(StringComparer.Ordinal));
        foreach (var list in lists)
        {
            var commands = list!["commands"]!.AsArray();
            Assert.InRange(commands.Count, 1, 10);
            Assert.Equal(["declare", "status", "role", "note", "update", "resolve", "list", "help"], commands.Select(c => (string)c!["title"]!));
            Assert.All(commands, c => Assert.InRange(((string?)c!["description"])!.Length, 1, 128));
        }
    }

    [Theory]
    [InlineData("color", "color.png", 192)]
    [InlineData("outline", "outline.png", 32)]
    public void Icons_ExistWithTheSizesTeamsRequires(string key, string file, int size)
    {
        Assert.Equal(file, (string?)Manifest()["icons"]![key]);

        var image = Png.Read(Path.Combine(Folder(), file));

        Assert.Equal(size, image.Width);
        Assert.Equal(size, image.Height);
        Assert.Contains(image.Rgba.Chunk(4), p => p[3] > 0);
    }

    [Fact]
    public void OutlineIcon_IsWhiteOnTransparent()
    {
        var image = Png.Read(Path.Combine(Folder(), "outline.png"));

        Assert.True(image.HasAlpha, "the outline icon needs an alpha channel (transparent background)");
        var pixels = image.Rgba.Chunk(4).ToList();
        Assert.All(pixels, p => Assert.True(p[0] == 255 && p[1] == 255 && p[2] == 255, $"pixel ({p[0]},{p[1]},{p[2]},{p[3]}) is not white"));
        Assert.Contains(pixels, p => p[3] == 0);
        Assert.Contains(pixels, p => p[3] == 255);
    }

    [Fact]
    public void ColorIcon_IsOpaque()
    {
        var image = Png.Read(Path.Combine(Folder(), "color.png"));

        Assert.All(image.Rgba.Chunk(4), p => Assert.Equal(255, p[3]));
        Assert.True(image.Rgba.Chunk(4).Select(p => (p[0], p[1], p[2])).Distinct().Count() > 1, "the colour icon should not be a single flat colour");
    }

    /// <summary>Just enough PNG decoding for the checks: 8-bit grey/RGB/grey+alpha/RGBA, not interlaced, any filter.</summary>
    private sealed record Png(int Width, int Height, bool HasAlpha, byte[] Rgba)
    {
        public static Png Read(string path)
        {
            var bytes = File.ReadAllBytes(path);
            Assert.True(bytes.AsSpan(0, 8).SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }), $"{path} is not a PNG");

            int width = 0, height = 0, colorType = -1;
            using var idat = new MemoryStream();
            for (var at = 8; at + 8 <= bytes.Length;)
            {
                var length = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(at));
                var kind = Encoding.ASCII.GetString(bytes, at + 4, 4);
                var data = bytes.AsSpan(at + 8, length);
                if (kind == "IHDR")
                {
                    width = BinaryPrimitives.ReadInt32BigEndian(data);
                    height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                    Assert.Equal(8, data[8]);
                    colorType = data[9];
                    Assert.Equal(0, data[12]);
                }
                else if (kind == "IDAT")
                {
                    idat.Write(data);
                }
                else if (kind == "IEND")
                {
                    break;
                }

                at += 12 + length;
            }

            var channels = colorType switch
            {
                0 => 1,
                2 => 3,
                4 => 2,
                6 => 4,
                _ => throw new InvalidDataException($"{path}: colour type {colorType} is not handled"),
            };

            idat.Position = 0;
            using var inflated = new MemoryStream();
            using (var z = new ZLibStream(idat, CompressionMode.Decompress))
            {
                z.CopyTo(inflated);
            }

            var raw = inflated.ToArray();
            var stride = width * channels;
            var pixels = new byte[height * stride];
            for (var y = 0; y < height; y++)
            {
                var filter = raw[y * (stride + 1)];
                for (var x = 0; x < stride; x++)
                {
                    int a = x >= channels ? pixels[(y * stride) + x - channels] : 0;
                    int b = y > 0 ? pixels[((y - 1) * stride) + x] : 0;
                    int c = x >= channels && y > 0 ? pixels[((y - 1) * stride) + x - channels] : 0;
                    int value = raw[(y * (stride + 1)) + 1 + x];
                    value += filter switch
                    {
                        0 => 0,
                        1 => a,
                        2 => b,
                        3 => (a + b) / 2,
                        4 => Paeth(a, b, c),
                        _ => throw new InvalidDataException($"{path}: filter {filter}"),
                    };
                    pixels[(y * stride) + x] = (byte)value;
                }
            }

            var rgba = new byte[width * height * 4];
            for (var i = 0; i < width * height; i++)
            {
                var p = pixels.AsSpan(i * channels, channels);
                (rgba[i * 4], rgba[(i * 4) + 1], rgba[(i * 4) + 2], rgba[(i * 4) + 3]) = channels switch
                {
                    1 => (p[0], p[0], p[0], (byte)255),
                    2 => (p[0], p[0], p[0], p[1]),
                    3 => (p[0], p[1], p[2], (byte)255),
                    _ => (p[0], p[1], p[2], p[3]),
                };
            }

            return new Png(width, height, channels is 2 or 4, rgba);
        }

        private static int Paeth(int a, int b, int c)
        {
            var p = a + b - c;
            int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
            return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
        }
    }
}
