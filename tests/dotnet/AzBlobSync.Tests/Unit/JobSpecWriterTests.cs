using System.Text;
using System.Text.Json;
using AzBlobSync.Engine;
using AzBlobSync.Tests.Infrastructure;

namespace AzBlobSync.Tests.Unit;

public sealed class JobSpecWriterTests
{
    private const string Key = "c2VjcmV0K2tleS93aXRoPXBhZGRpbmc+Pz8/";

    private static readonly string[] AllFields =
    [
        "operation", "direction", "source", "destination", "putMd5", "dryRun", "concurrency", "accountKey",
        "signIn", "signInReference", "caCertificatePath", "authorityHost", "environment", "azcopyEnvironment", "blockSizeBytes", "memoryBudgetBytes",
        "checkMd5", "compareHash", "hashCachePath", "recursive", "overwrite", "deleteDestination", "confirmDeletes", "maxDelete",
        "includePattern", "excludePattern", "includePath", "excludePath", "includeRegex", "excludeRegex",
        "includeAfter", "includeBefore", "minAge", "maxAge",
        "contentType", "cacheControl", "metadata", "tags", "accessTier", "jobDir",
    ];

    private static JsonElement Written(SyncOptions options, JobStart start)
    {
        using var spec = JobSpecWriter.Write(options, start);
        return JsonDocument.Parse(spec.WrittenSpan.ToArray()).RootElement.Clone();
    }

    [Fact]
    public void Writes_exactly_the_fields_the_engine_accepts()
    {
        var options = new SyncOptions
        {
            Source = "/data/ü 中文",
            Destination = "http://127.0.0.1:1/devstoreaccount1/ccc/pre",
            PutMd5 = true,
            Concurrency = 7,
            AccountKey = Secrets.ToSecureString(Key),
            IncludeSkipped = true, // host-side only: must not reach the engine (it rejects unknown fields)
        };
        var root = Written(options, JobStart.Sync(dryRun: true));

        Assert.Equal(AllFields, root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("sync", root.GetProperty("operation").GetString());
        Assert.Equal("upload", root.GetProperty("direction").GetString());
        Assert.Equal("/data/ü 中文", root.GetProperty("source").GetString());
        Assert.True(root.GetProperty("putMd5").GetBoolean());
        Assert.True(root.GetProperty("dryRun").GetBoolean());
        Assert.Equal(7, root.GetProperty("concurrency").GetInt32());
        Assert.Equal(Key, root.GetProperty("accountKey").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("blockSizeBytes").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("memoryBudgetBytes").ValueKind);
    }

    [Theory]
    [InlineData(AzureEnvironment.AzureCloud)]
    [InlineData(AzureEnvironment.AzureUSGovernment)]
    [InlineData(AzureEnvironment.AzureChinaCloud)]
    public void Each_environment_is_written_by_the_name_the_engine_accepts(AzureEnvironment environment)
    {
        string folder = Directory.CreateTempSubdirectory("azbs-env-").FullName;
        try
        {
            var options = new SyncOptions { Source = folder, Destination = "https://acct.blob.core.windows.net/ccc", Environment = environment };
            Assert.Equal(environment.ToString(), Written(options, JobStart.Sync(dryRun: false)).GetProperty("environment").GetString());
            // The engine's own spec check (no network) takes the name; a spelling it does not know is InvalidSpec.
            AzBlobSync.Spec.SpecCheck.Check(options, JobStart.Sync(dryRun: false));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    public static TheoryData<string> SignInKinds => new() { "servicePrincipal", "certificateFile", "certificateBytes", "managedIdentity", "userAssigned", "workloadIdentity", "azureCli" };

    /// <summary>Every sign-in New-AzBlobCredential and the vault make is written as the engine's spec takes it (its own check, no network).</summary>
    [Theory]
    [MemberData(nameof(SignInKinds))]
    public void Each_sign_in_kind_is_written_as_the_engine_takes_it(string kind)
    {
        using AzBlobSync.SignIn.SignInCredential signIn = kind switch
        {
            "servicePrincipal" => AzBlobSync.SignIn.SignInCredential.ServicePrincipal("tenant", "app", Secrets.ToSecureString("secret")),
            "certificateFile" => AzBlobSync.SignIn.SignInCredential.ServicePrincipalCertificate("tenant", "app", "/etc/app.pfx", null, Secrets.ToSecureString("pw")),
            "certificateBytes" => AzBlobSync.SignIn.SignInCredential.ServicePrincipalCertificate("tenant", "app", null, new byte[] { 0x30, 0x82, 1, 2 }, null),
            "managedIdentity" => AzBlobSync.SignIn.SignInCredential.ManagedIdentity(),
            "userAssigned" => AzBlobSync.SignIn.SignInCredential.ManagedIdentity(resourceId: "/subscriptions/s/resourceGroups/g/providers/Microsoft.ManagedIdentity/userAssignedIdentities/i"),
            "workloadIdentity" => AzBlobSync.SignIn.SignInCredential.WorkloadIdentity("tenant", "app", "/var/run/token"),
            _ => AzBlobSync.SignIn.SignInCredential.AzureCli("tenant"),
        };
        string folder = Directory.CreateTempSubdirectory("azbs-signin-").FullName;
        try
        {
            var options = new SyncOptions
            {
                Source = folder,
                Destination = "https://acct.blob.core.windows.net/ccc",
                SignIn = signIn,
                SignInReference = new AzBlobSync.SignIn.VaultReference("BlobVault", "StorageSPN", "tenant"),
            };
            AzBlobSync.Spec.SpecCheck.Check(options, JobStart.Sync(dryRun: false));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Without_key_or_concurrency_writes_nulls_so_the_engine_uses_its_defaults()
    {
        var root = Written(new SyncOptions { Source = "/s", Destination = "http://127.0.0.1:1/a/ccc" }, JobStart.Sync(dryRun: false));
        Assert.Equal(AllFields, root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.Null, root.GetProperty("accountKey").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("concurrency").ValueKind);
        Assert.False(root.GetProperty("dryRun").GetBoolean());
        Assert.Equal("FailIfDifferent", root.GetProperty("checkMd5").GetString());
        Assert.False(root.GetProperty("deleteDestination").GetBoolean());
        Assert.False(root.GetProperty("confirmDeletes").GetBoolean());
        foreach (string name in new[] { "maxDelete", "includeAfter", "includeBefore", "minAge", "maxAge", "hashCachePath", "contentType", "cacheControl", "accessTier", "environment" })
        {
            Assert.Equal(JsonValueKind.Null, root.GetProperty(name).ValueKind);
        }
        Assert.Equal("None", root.GetProperty("compareHash").GetString());
        Assert.False(root.GetProperty("recursive").GetBoolean());
        Assert.Equal("true", root.GetProperty("overwrite").GetString());
        Assert.Empty(root.GetProperty("metadata").EnumerateObject());
        Assert.Empty(root.GetProperty("tags").EnumerateObject());
        foreach (string name in new[] { "includePattern", "excludePattern", "includePath", "excludePath", "includeRegex", "excludeRegex" })
        {
            Assert.Equal(0, root.GetProperty(name).GetArrayLength());
        }
    }

    [Fact]
    public void A_download_with_deletions_and_filters_writes_them_as_the_engine_names_them()
    {
        var options = new SyncOptions
        {
            Direction = SyncDirection.Download,
            Source = "http://127.0.0.1:1/a/ccc/pre?sv=1&sig=S",
            Destination = "/restore",
            CheckMd5 = CheckMd5Mode.FailIfDifferentOrMissing,
            DeleteDestination = true,
            MaxDelete = 25,
            IncludePattern = ["*.txt", "*.md;*.csv"],
            ExcludePattern = ["~*"],
            IncludePath = ["docs"],
            ExcludePath = ["docs/old", "tmp"],
            IncludeRegex = [@"^docs/\d+"],
            ExcludeRegex = ["bak$"],
            IncludeAfter = new DateTime(2026, 1, 31, 0, 0, 0, DateTimeKind.Utc),
            IncludeBefore = new DateTime(2026, 2, 1, 12, 30, 15, 250, DateTimeKind.Utc),
            MinAge = TimeSpan.FromHours(12),
            MaxAge = TimeSpan.FromDays(7),
        };
        var root = Written(options, JobStart.Sync(dryRun: false, confirmDeletes: true));

        Assert.Equal(AllFields, root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("http://127.0.0.1:1/a/ccc/pre?sv=1&sig=S", root.GetProperty("source").GetString());
        Assert.Equal("/restore", root.GetProperty("destination").GetString());
        Assert.Equal("FailIfDifferentOrMissing", root.GetProperty("checkMd5").GetString());
        Assert.True(root.GetProperty("deleteDestination").GetBoolean());
        Assert.True(root.GetProperty("confirmDeletes").GetBoolean());
        Assert.Equal(25, root.GetProperty("maxDelete").GetInt64());
        string[] Strings(string name) => root.GetProperty(name).EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.Equal(["*.txt", "*.md;*.csv"], Strings("includePattern"));
        Assert.Equal(["~*"], Strings("excludePattern"));
        Assert.Equal(["docs"], Strings("includePath"));
        Assert.Equal(["docs/old", "tmp"], Strings("excludePath"));
        Assert.Equal([@"^docs/\d+"], Strings("includeRegex"));
        Assert.Equal(["bak$"], Strings("excludeRegex"));
        Assert.Equal("2026-01-31T00:00:00Z", root.GetProperty("includeAfter").GetString());
        Assert.Equal("2026-02-01T12:30:15.25Z", root.GetProperty("includeBefore").GetString());
        Assert.Equal("43200s", root.GetProperty("minAge").GetString());
        Assert.Equal("604800s", root.GetProperty("maxAge").GetString());
    }

    [Fact]
    public void A_check_is_the_check_operation_and_never_asks_for_confirmations()
    {
        var root = Written(new SyncOptions { Source = "/s", Destination = "http://127.0.0.1:1/a/ccc" }, JobStart.Check);
        Assert.Equal("check", root.GetProperty("operation").GetString());
        Assert.False(root.GetProperty("dryRun").GetBoolean());
        Assert.False(root.GetProperty("confirmDeletes").GetBoolean());
    }

    [Theory]
    [InlineData(OverwriteMode.True, "true")]
    [InlineData(OverwriteMode.False, "false")]
    [InlineData(OverwriteMode.IfSourceNewer, "ifSourceNewer")]
    [InlineData(OverwriteMode.Prompt, "prompt")]
    public void A_copy_is_the_copy_operation_with_the_engines_overwrite_spelling(OverwriteMode overwrite, string expected)
    {
        var options = new SyncOptions { Source = @"C:\data\*", Destination = "http://127.0.0.1:1/a/ccc/", Recursive = true, Overwrite = overwrite };
        var root = Written(options, JobStart.Copy(dryRun: false));
        Assert.Equal(AllFields, root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("copy", root.GetProperty("operation").GetString());
        Assert.Equal(@"C:\data\*", root.GetProperty("source").GetString());
        Assert.Equal("http://127.0.0.1:1/a/ccc/", root.GetProperty("destination").GetString());
        Assert.True(root.GetProperty("recursive").GetBoolean());
        Assert.Equal(expected, root.GetProperty("overwrite").GetString());
        // A copy never deletes, and its overwrite prompts come from the overwrite rule, not from confirmDeletes.
        Assert.False(root.GetProperty("deleteDestination").GetBoolean());
        Assert.False(root.GetProperty("confirmDeletes").GetBoolean());
    }

    [Fact]
    public void Compare_hash_and_upload_properties_are_written_as_the_engine_names_them()
    {
        var options = new SyncOptions
        {
            Source = "/s",
            Destination = "http://127.0.0.1:1/a/ccc",
            CompareHash = CompareHashMode.MD5,
            HashCachePath = "/cache/hashes.redb",
            ContentType = "text/csv",
            CacheControl = "max-age=60",
            Metadata = new Dictionary<string, string> { ["dept"] = "hr", ["Owner_1"] = "zoë" },
            Tags = new Dictionary<string, string> { ["env"] = "prod" },
            AccessTier = BlobAccessTier.Cool,
        };
        var root = Written(options, JobStart.Sync(dryRun: false));
        Assert.Equal(AllFields, root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("MD5", root.GetProperty("compareHash").GetString());
        Assert.Equal("/cache/hashes.redb", root.GetProperty("hashCachePath").GetString());
        Assert.Equal("text/csv", root.GetProperty("contentType").GetString());
        Assert.Equal("max-age=60", root.GetProperty("cacheControl").GetString());
        Assert.Equal([("dept", "hr"), ("Owner_1", "zoë")], root.GetProperty("metadata").EnumerateObject().Select(p => (p.Name, p.Value.GetString())));
        Assert.Equal([("env", "prod")], root.GetProperty("tags").EnumerateObject().Select(p => (p.Name, p.Value.GetString())));
        Assert.Equal("Cool", root.GetProperty("accessTier").GetString());
    }

    [Fact]
    public void Times_are_written_in_utc_with_a_zone_whatever_their_kind()
    {
        var utc = new DateTime(2026, 1, 31, 8, 0, 0, DateTimeKind.Utc);
        Assert.Equal("2026-01-31T08:00:00Z", JobSpecWriter.FormatTime(utc));
        Assert.Equal("2026-01-31T08:00:00Z", JobSpecWriter.FormatTime(utc.ToLocalTime()));
        // PowerShell binds "2026-01-31 08:00" as Unspecified: that is local time, as for every [DateTime] parameter.
        var unspecified = DateTime.SpecifyKind(utc.ToLocalTime(), DateTimeKind.Unspecified);
        Assert.Equal("2026-01-31T08:00:00Z", JobSpecWriter.FormatTime(unspecified));
        Assert.Equal("2026-01-31T08:00:00.0000001Z", JobSpecWriter.FormatTime(utc.AddTicks(1)));
    }

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(3_600_000, "3600s")]
    [InlineData(1_500, "1500ms")]
    [InlineData(7L * 86_400_000, "604800s")]
    public void Ages_are_written_in_seconds_or_milliseconds(long milliseconds, string expected)
    {
        Assert.Equal(expected, JobSpecWriter.FormatAge(TimeSpan.FromMilliseconds(milliseconds)));
    }

    [Fact]
    public void Options_ToString_lists_the_filters_set_and_hides_a_download_sources_signature()
    {
        var options = new SyncOptions
        {
            Direction = SyncDirection.Download,
            Source = "https://acct.blob.core.windows.net/ccc?sv=1&sig=SOURCESIG",
            Destination = "/restore",
            ExcludePattern = ["*.tmp", "*.bak"],
            ExcludePath = ["logs"],
            MaxAge = TimeSpan.FromDays(7),
        };
        string shown = options.ToString();
        Assert.DoesNotContain("SOURCESIG", shown);
        Assert.Contains("Download 'https://acct.blob.core.windows.net/ccc?sv=1&sig=REDACTED' -> '/restore'", shown);
        Assert.Contains("Filters=ExcludePattern=*.tmp;*.bak ExcludePath=logs MaxAge=7.00:00:00", shown);
        Assert.Contains("Filters=none", new SyncOptions { Source = "/s", Destination = "http://x/a/ccc" }.ToString());
    }

    [Fact]
    public void Options_ToString_shows_the_copy_rules_the_hash_comparison_and_the_upload_properties()
    {
        var options = new SyncOptions
        {
            Source = "/s",
            Destination = "http://x/a/ccc",
            Recursive = true,
            Overwrite = OverwriteMode.IfSourceNewer,
            CompareHash = CompareHashMode.MD5,
            HashCachePath = "/cache/h.redb",
            ContentType = "text/csv",
            Metadata = new Dictionary<string, string> { ["dept"] = "hr" },
            Tags = new Dictionary<string, string> { ["env"] = "prod" },
            AccessTier = BlobAccessTier.Archive,
        };
        string shown = options.ToString();
        Assert.Contains("CompareHash=MD5, HashCachePath=/cache/h.redb", shown);
        Assert.Contains("Recursive=True, Overwrite=IfSourceNewer", shown);
        Assert.Contains("Properties=ContentType=text/csv Metadata=dept=hr Tags=env=prod AccessTier=Archive", shown);
        Assert.Contains("Properties=none", new SyncOptions { Source = "/s", Destination = "http://x/a/ccc" }.ToString());
    }

    [Fact]
    public void Disposing_the_spec_wipes_the_key_from_the_buffer()
    {
        var spec = JobSpecWriter.Write(new SyncOptions { Source = "/s", Destination = "http://127.0.0.1:1/a/ccc", AccountKey = Secrets.ToSecureString(Key) }, JobStart.Sync(false));
        byte[] keyBytes = Encoding.UTF8.GetBytes("c2VjcmV0");
        Assert.True(spec.WrittenSpan.IndexOf(keyBytes) >= 0);
        var bufferField = typeof(ZeroingBufferWriter).GetField("buffer", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!;
        var buffer = (byte[])bufferField.GetValue(spec)!;
        spec.Dispose();
        Assert.All(buffer, b => Assert.Equal(0, b));
    }

    [Fact]
    public void Growing_the_buffer_keeps_content_and_wipes_the_old_array()
    {
        using var writer = new ZeroingBufferWriter(256);
        var bufferField = typeof(ZeroingBufferWriter).GetField("buffer", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!;
        var first = (byte[])bufferField.GetValue(writer)!;
        writer.GetSpan(200)[..200].Fill(7);
        writer.Advance(200);
        writer.GetSpan(1000);
        Assert.All(first, b => Assert.Equal(0, b));
        Assert.Equal(200, writer.WrittenSpan.Length);
        Assert.All(writer.WrittenSpan.ToArray(), b => Assert.Equal(7, b));
    }

    [Fact]
    public void Options_ToString_shows_neither_key_nor_signature()
    {
        var options = new SyncOptions
        {
            Source = "/s",
            Destination = "https://acct.blob.core.windows.net/ccc?sv=1&sig=SIGNATURE123",
            AccountKey = Secrets.ToSecureString(Key),
        };
        string shown = options.ToString();
        Assert.DoesNotContain("SIGNATURE123", shown);
        Assert.DoesNotContain(Key, shown);
        Assert.Contains("AccountKey=set", shown);
        Assert.Contains("sig=REDACTED", shown);
    }
}
