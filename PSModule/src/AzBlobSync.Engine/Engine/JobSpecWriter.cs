using System;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace AzBlobSync.Engine;

/// <summary>
/// Writes the engine's job spec (camelCase JSON; the engine rejects unknown fields). Every field is
/// written, defaults included, so a spec read in a log says everything. The account key goes from
/// the SecureString's unmanaged copy straight into a wiped buffer: it never becomes a string.
/// </summary>
internal static class JobSpecWriter
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // Paths with non-ASCII names stay readable if a spec is ever inspected; the engine reads any valid JSON.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    /// <summary>The spec as UTF-8 in a buffer the caller must dispose (which wipes it).</summary>
    public static ZeroingBufferWriter Write(SyncOptions options, JobStart start)
    {
        var output = new ZeroingBufferWriter(1024 + 3 * (options.Source.Length + options.Destination.Length));
        try
        {
            using var json = new Utf8JsonWriter(output, WriterOptions);
            json.WriteStartObject();
            json.WriteString("operation", start.Operation switch
            {
                JobOperation.Check => "check",
                JobOperation.Copy => "copy",
                _ => "sync",
            });
            // The host knows the direction; the engine then never guesses it from the strings.
            json.WriteString("direction", options.Direction switch
            {
                SyncDirection.Download => "download",
                SyncDirection.ContainerToContainer => "containerToContainer",
                _ => "upload",
            });
            json.WriteString("source", options.Source);
            json.WriteString("destination", options.Destination);
            json.WriteBoolean("putMd5", options.PutMd5);
            json.WriteBoolean("dryRun", start.DryRun);
            if (options.Concurrency is int concurrency)
            {
                json.WriteNumber("concurrency", concurrency);
            }
            else
            {
                json.WriteNull("concurrency");
            }
            WriteAccountKey(json, options.AccountKey);
            WriteSignIn(json, options.SignIn);
            WriteSignInReference(json, options.SignInReference);
            WriteOptional(json, "caCertificatePath", options.CaCertificatePath);
            WriteOptional(json, "authorityHost", options.AuthorityHost);
            WriteOptional(json, "environment", options.Environment?.ToString());
            WriteMap(json, "azcopyEnvironment", options.AzCopyEnvironment);
            WriteOptionalNumber(json, "blockSizeBytes", options.BlockSizeBytes);
            WriteOptionalNumber(json, "memoryBudgetBytes", options.MemoryBudgetBytes);
            json.WriteString("checkMd5", options.CheckMd5.ToString());
            json.WriteString("compareHash", options.CompareHash.ToString());
            WriteOptional(json, "hashCachePath", options.HashCachePath);
            json.WriteBoolean("recursive", options.Recursive);
            json.WriteString("overwrite", FormatOverwrite(options.Overwrite));
            json.WriteBoolean("deleteDestination", options.DeleteDestination);
            json.WriteBoolean("confirmDeletes", start.ConfirmDeletes);
            if (options.MaxDelete is long maxDelete)
            {
                json.WriteNumber("maxDelete", maxDelete);
            }
            else
            {
                json.WriteNull("maxDelete");
            }
            WriteArray(json, "includePattern", options.IncludePattern);
            WriteArray(json, "excludePattern", options.ExcludePattern);
            WriteArray(json, "includePath", options.IncludePath);
            WriteArray(json, "excludePath", options.ExcludePath);
            WriteArray(json, "includeRegex", options.IncludeRegex);
            WriteArray(json, "excludeRegex", options.ExcludeRegex);
            WriteOptional(json, "includeAfter", options.IncludeAfter is DateTime after ? FormatTime(after) : null);
            WriteOptional(json, "includeBefore", options.IncludeBefore is DateTime before ? FormatTime(before) : null);
            WriteOptional(json, "minAge", options.MinAge is TimeSpan minAge ? FormatAge(minAge) : null);
            WriteOptional(json, "maxAge", options.MaxAge is TimeSpan maxAge ? FormatAge(maxAge) : null);
            WriteOptional(json, "contentType", options.ContentType);
            WriteOptional(json, "cacheControl", options.CacheControl);
            WriteMap(json, "metadata", options.Metadata);
            WriteMap(json, "tags", options.Tags);
            WriteOptional(json, "accessTier", options.AccessTier?.ToString());
            WriteOptional(json, "jobDir", options.JobDirectory);
            json.WriteEndObject();
            json.Flush();
            return output;
        }
        catch
        {
            output.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A resume request (<c>resumeJobId</c>): the engine reads the recorded spec back and adds what is
    /// given here (a SAS, a key, a sign-in, AzCopy's variables, ...). Only what is set is written, so
    /// nothing recorded is overridden by a null. SAS and key go from their SecureStrings into the wiped buffer.
    /// </summary>
    public static ZeroingBufferWriter WriteResume(ResumeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var output = new ZeroingBufferWriter(1024);
        try
        {
            using var json = new Utf8JsonWriter(output, WriterOptions);
            json.WriteStartObject();
            json.WriteString("resumeJobId", options.JobId);
            if (options.JobDirectory is not null)
            {
                json.WriteString("jobDir", options.JobDirectory);
            }
            if (options.SourceSas is { Length: > 0 })
            {
                WriteSecure(json, "sourceSas", options.SourceSas);
            }
            if (options.DestinationSas is { Length: > 0 })
            {
                WriteSecure(json, "destinationSas", options.DestinationSas);
            }
            if (options.AccountKey is { Length: > 0 })
            {
                WriteAccountKey(json, options.AccountKey);
            }
            if (options.SignIn is not null)
            {
                WriteSignIn(json, options.SignIn);
            }
            if (options.Concurrency is int concurrency)
            {
                json.WriteNumber("concurrency", concurrency);
            }
            if (options.CaCertificatePath is not null)
            {
                json.WriteString("caCertificatePath", options.CaCertificatePath);
            }
            if (options.Environment is AzureEnvironment environment)
            {
                json.WriteString("environment", environment.ToString());
            }
            if (options.AuthorityHost is not null)
            {
                json.WriteString("authorityHost", options.AuthorityHost);
            }
            WriteMap(json, "azcopyEnvironment", options.AzCopyEnvironment);
            json.WriteEndObject();
            json.Flush();
            return output;
        }
        catch
        {
            output.Dispose();
            throw;
        }
    }

    /// <summary>
    /// RFC 3339 in UTC, as the engine requires a zone: <c>2026-01-31T00:00:00Z</c>, with a fraction
    /// only when there is one. Local and Unspecified times are taken as local time (PowerShell's
    /// [DateTime] parameter binding gives both).
    /// </summary>
    public static string FormatTime(DateTime time)
    {
        DateTime utc = time.Kind == DateTimeKind.Utc ? time : time.ToUniversalTime();
        return utc.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// A duration the engine parses: whole seconds as <c>"3600s"</c>, otherwise whole milliseconds
    /// (<c>"1500ms"</c>); anything finer is rounded to the millisecond. A negative age is written with
    /// its sign, for the engine to refuse (its rule, its error id).
    /// </summary>
    public static string FormatAge(TimeSpan age)
    {
        if (age < TimeSpan.Zero)
        {
            return "-" + FormatAge(age.Negate());
        }
        long milliseconds = (long)Math.Round(age.TotalMilliseconds, MidpointRounding.AwayFromZero);
        return milliseconds % 1000 == 0
            ? (milliseconds / 1000).ToString(CultureInfo.InvariantCulture) + "s"
            : milliseconds.ToString(CultureInfo.InvariantCulture) + "ms";
    }

    /// <summary>The engine's spelling of an overwrite rule: <c>true</c>, <c>false</c>, <c>ifSourceNewer</c>, <c>prompt</c>.</summary>
    public static string FormatOverwrite(OverwriteMode overwrite) => overwrite switch
    {
        OverwriteMode.True => "true",
        OverwriteMode.False => "false",
        OverwriteMode.IfSourceNewer => "ifSourceNewer",
        OverwriteMode.Prompt => "prompt",
        _ => throw new ArgumentOutOfRangeException(nameof(overwrite), overwrite, "Not an overwrite rule."),
    };

    private static void WriteMap(Utf8JsonWriter json, string name, IReadOnlyDictionary<string, string>? values)
    {
        json.WriteStartObject(name);
        foreach (KeyValuePair<string, string> pair in values ?? new Dictionary<string, string>())
        {
            json.WriteString(pair.Key, pair.Value);
        }
        json.WriteEndObject();
    }

    private static void WriteArray(Utf8JsonWriter json, string name, IReadOnlyList<string>? values)
    {
        json.WriteStartArray(name);
        foreach (string value in values ?? Array.Empty<string>())
        {
            json.WriteStringValue(value);
        }
        json.WriteEndArray();
    }

    private static void WriteSignInReference(Utf8JsonWriter json, AzBlobSync.SignIn.VaultReference? reference)
    {
        if (reference is null)
        {
            json.WriteNull("signInReference");
            return;
        }
        json.WriteStartObject("signInReference");
        json.WriteString("vault", reference.Vault);
        json.WriteString("secretName", reference.SecretName);
        WriteOptional(json, "tenantId", reference.TenantId);
        json.WriteEndObject();
    }

    private static void WriteOptionalNumber(Utf8JsonWriter json, string name, long? value)
    {
        if (value is long number)
        {
            json.WriteNumber(name, number);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void WriteOptional(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }

    private static void WriteSignIn(Utf8JsonWriter json, AzBlobSync.SignIn.SignInCredential? signIn)
    {
        if (signIn is null)
        {
            json.WriteNull("signIn");
            return;
        }
        json.WriteStartObject("signIn");
        json.WriteString("kind", signIn.Kind switch
        {
            AzBlobSync.SignIn.SignInKind.ServicePrincipal => "servicePrincipal",
            AzBlobSync.SignIn.SignInKind.ServicePrincipalCertificate => "servicePrincipalCertificate",
            AzBlobSync.SignIn.SignInKind.ManagedIdentity => "managedIdentity",
            AzBlobSync.SignIn.SignInKind.WorkloadIdentity => "workloadIdentity",
            _ => "azureCli",
        });
        switch (signIn.Kind)
        {
            case AzBlobSync.SignIn.SignInKind.ServicePrincipal:
                json.WriteString("tenantId", signIn.TenantId);
                json.WriteString("clientId", signIn.ClientId);
                WriteSecure(json, "clientSecret", signIn.ClientSecret);
                break;
            case AzBlobSync.SignIn.SignInKind.ServicePrincipalCertificate:
                json.WriteString("tenantId", signIn.TenantId);
                json.WriteString("clientId", signIn.ClientId);
                WriteOptional(json, "certificatePath", signIn.CertificatePath);
                if (signIn.CertificateBytes is not null)
                {
                    // Straight from the bytes into the wiped buffer; no base64 string on the managed heap.
                    json.WriteBase64String("certificateBase64", signIn.CertificateBytes);
                }
                if (signIn.CertificatePassword is not null)
                {
                    WriteSecure(json, "certificatePassword", signIn.CertificatePassword);
                }
                break;
            case AzBlobSync.SignIn.SignInKind.ManagedIdentity:
                WriteOptional(json, "clientId", signIn.ClientId);
                WriteOptional(json, "objectId", signIn.ObjectId);
                WriteOptional(json, "resourceId", signIn.ResourceId);
                break;
            case AzBlobSync.SignIn.SignInKind.WorkloadIdentity:
                json.WriteString("tenantId", signIn.TenantId);
                json.WriteString("clientId", signIn.ClientId);
                json.WriteString("tokenFilePath", signIn.TokenFilePath);
                break;
            default:
                WriteOptional(json, "tenantId", signIn.TenantId);
                break;
        }
        json.WriteEndObject();
    }

    /// <summary>A SecureString's characters straight from its unmanaged copy into the wiped buffer.</summary>
    private static unsafe void WriteSecure(Utf8JsonWriter json, string name, System.Security.SecureString? value)
    {
        if (value is null)
        {
            json.WriteString(name, string.Empty);
            return;
        }
        IntPtr unmanaged = Marshal.SecureStringToGlobalAllocUnicode(value);
        try
        {
            json.WriteString(name, new ReadOnlySpan<char>((char*)unmanaged, value.Length));
        }
        finally
        {
            Marshal.ZeroFreeGlobalAllocUnicode(unmanaged);
        }
    }

    private static unsafe void WriteAccountKey(Utf8JsonWriter json, System.Security.SecureString? accountKey)
    {
        if (accountKey is null || accountKey.Length == 0)
        {
            json.WriteNull("accountKey");
            return;
        }
        IntPtr unmanaged = Marshal.SecureStringToGlobalAllocUnicode(accountKey);
        try
        {
            var key = new ReadOnlySpan<char>((char*)unmanaged, accountKey.Length);
            json.WriteString("accountKey", key.Trim());
        }
        finally
        {
            Marshal.ZeroFreeGlobalAllocUnicode(unmanaged);
        }
    }
}
