using System.Text.Json;
using AzBlobSync.Commands;
using AzBlobSync.Engine;
using AzBlobSync.Errors;
using AzBlobSync.Tests.Infrastructure;

namespace AzBlobSync.Tests.Unit;

/// <summary>
/// The .NET half of the parity table (tests/parity/bad_inputs.json): each bad input, given to the command the
/// module's cmdlet uses, fails with the same error id the CLI gives (native/cli/tests/parity.rs), before any
/// job starts.
/// </summary>
public sealed class ParityTests : IDisposable
{
    private readonly TestTree scratch = new();

    public ParityTests()
    {
        Directory.CreateDirectory(scratch.FullPath("empty-folder"));
        scratch.Write("a-file.txt", "x");
    }

    public void Dispose() => scratch.Dispose();

    public static TheoryData<string> RowNames()
    {
        var names = new TheoryData<string>();
        foreach (JsonElement row in Rows())
        {
            names.Add(row.GetProperty("name").GetString()!);
        }
        return names;
    }

    private static IEnumerable<JsonElement> Rows()
    {
        using var table = JsonDocument.Parse(File.ReadAllText(RepoRoot.Combine("tests", "parity", "bad_inputs.json")));
        return table.RootElement.GetProperty("rows").EnumerateArray().Select(r => r.Clone()).ToList();
    }

    [Fact]
    public void The_table_keeps_at_least_twenty_rows() => Assert.True(Rows().Count() >= 20);

    [Theory]
    [MemberData(nameof(RowNames))]
    public void The_module_refuses_each_bad_input_with_the_clis_error_id(string name)
    {
        JsonElement row = Rows().Single(r => r.GetProperty("name").GetString() == name);
        JsonElement module = row.GetProperty("module");
        SyncOptions options = OptionsFrom(module);
        var host = new RecordingHost();
        var starts = 0;
        Func<SyncOptions, JobStart, IEngineJob> start = (_, _) => { starts++; return new ScriptedEngineJob([]); };
        Action run = module.GetProperty("command").GetString() switch
        {
            "copy" => () => new CopyCommand(host, start).Run(options),
            "check" => () => new CheckCommand(host, start).Run(options),
            _ => () => new SyncCommand(host, start).Run(options),
        };
        var error = Assert.ThrowsAny<AzBlobSyncException>(run);
        Assert.Equal(ErrorIds.Prefix + row.GetProperty("errorId").GetString(), error.ErrorId);
        Assert.Equal(0, starts);
        Assert.DoesNotContain("SECRET", error.Message);
        Assert.DoesNotContain("SECRET", error.Target?.ToString() ?? string.Empty);
    }

    private string Fill(string text) => text
        .Replace("{dir}", scratch.FullPath("empty-folder"), StringComparison.Ordinal)
        .Replace("{file}", scratch.FullPath("a-file.txt"), StringComparison.Ordinal)
        .Replace("{missing}", scratch.FullPath("not-here"), StringComparison.Ordinal)
        .Replace("{url}", "http://127.0.0.1:9/devstoreaccount1/cont", StringComparison.Ordinal);

    /// <summary>The row's options as the cmdlet would bind them (camelCase names of <see cref="SyncOptions"/>).</summary>
    private SyncOptions OptionsFrom(JsonElement module)
    {
        string? Text(string field) => module.TryGetProperty(field, out JsonElement v) ? Fill(v.GetString()!) : null;
        string[] List(string field) => module.TryGetProperty(field, out JsonElement v) ? v.EnumerateArray().Select(e => Fill(e.GetString()!)).ToArray() : [];
        Dictionary<string, string> Map(string field) => module.TryGetProperty(field, out JsonElement v)
            ? v.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!)
            : new Dictionary<string, string>();
        int? Number(string field) => module.TryGetProperty(field, out JsonElement v) ? v.GetInt32() : null;
        return new SyncOptions
        {
            Direction = Text("direction") switch
            {
                "download" => SyncDirection.Download,
                "containerToContainer" => SyncDirection.ContainerToContainer,
                _ => SyncDirection.Upload,
            },
            Source = Text("source")!,
            Destination = Text("destination")!,
            Concurrency = Number("concurrency"),
            MaxDelete = Number("maxDelete"),
            DeleteDestination = module.TryGetProperty("deleteDestination", out JsonElement delete) && delete.GetBoolean(),
            IncludePattern = List("includePattern"),
            IncludePath = List("includePath"),
            ExcludePath = List("excludePath"),
            ExcludeRegex = List("excludeRegex"),
            MinAge = Number("minAgeSeconds") is int seconds ? TimeSpan.FromSeconds(seconds) : null,
            Metadata = Map("metadata"),
            Tags = Map("tags"),
            CompareHash = Text("compareHash") == "Md5" ? CompareHashMode.MD5 : CompareHashMode.None,
            HashCachePath = Text("hashCachePath"),
        };
    }
}
