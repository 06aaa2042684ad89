using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using System.Security;
using System.Text.Json;
using AzBlobSync.Errors;

namespace AzBlobSync.SignIn;

/// <summary>
/// Turns what SecretManagement's <c>Get-Secret</c> returns into a service-principal sign-in, for each
/// of its secret types: a Hashtable (values SecureString, or strings with <c>-AsPlainText</c>), a
/// credential (user name = application id; the PowerShell layer unwraps a PSCredential into its user
/// name and password), a String or SecureString holding JSON, and a byte[] (a PFX). No PowerShell types.
/// </summary>
public static class SecretToCredential
{
    private static readonly string[] ClientIdKeys = { "ServicePrincipalId", "ApplicationId", "ClientId", "AppId" };
    private static readonly string[] SecretKeys = { "ServicePrincipalSecret", "ClientSecret", "Secret", "Password" };
    private static readonly string[] TenantKeys = { "TenantId", "Tenant" };
    private static readonly string[] CertificateBytesKeys = { "Certificate", "CertificateBase64", "Pfx" };
    private static readonly string[] CertificatePasswordKeys = { "CertificatePassword", "PfxPassword" };

    /// <summary>
    /// The sign-in a vault secret describes. <paramref name="tenantId"/> (-TenantId) wins over a tenant
    /// inside the secret; without either the sign-in is refused with <see cref="ErrorIds.MissingTenant"/>.
    /// </summary>
    public static SignInCredential FromSecret(object? secret, string? tenantId, string secretName)
    {
        switch (secret)
        {
            case null:
                throw WrongShape(secretName, "it is empty");
            case IDictionary table:
                return FromPairs(ReadTable(table), tenantId, secretName);
            case SecureString secure:
                return FromJson(Reveal(secure), tenantId, secretName);
            case string text:
                return FromJson(text, tenantId, secretName);
            case byte[]:
                // A PFX alone does not say which application it signs in as.
                throw new SecretShapeException(
                    ErrorIds.SecretWrongShape,
                    $"Secret '{secretName}' holds only a certificate (byte[]), not the application it belongs to: store the hashtable "
                    + "@{ ServicePrincipalId = '<application id>'; Certificate = <the .pfx bytes or base64>; CertificatePassword = '<password>' } (optionally TenantId) instead.",
                    secretName);
            default:
                throw WrongShape(secretName, $"it is a {secret.GetType().Name}");
        }
    }

    /// <summary>A credential's user name is the application id and its password the client secret.</summary>
    public static SignInCredential FromCredential(string userName, SecureString password, string? tenantId)
    {
        if (string.IsNullOrWhiteSpace(userName))
        {
            throw new SecretShapeException(ErrorIds.SecretWrongShape, "The credential has no user name; its user name must be the service principal's application (client) id.");
        }
        return SignInCredential.ServicePrincipal(RequireTenant(tenantId, "the credential"), userName.Trim(), password.Copy());
    }

    private static SignInCredential FromPairs(Dictionary<string, object?> pairs, string? tenantId, string secretName)
    {
        string? clientId = Text(First(pairs, ClientIdKeys));
        object? secret = First(pairs, SecretKeys);
        string? certificatePath = Text(First(pairs, new[] { "CertificatePath" }));
        object? certificate = First(pairs, CertificateBytesKeys);
        if (secret is null && !string.IsNullOrWhiteSpace(clientId) && (certificatePath is not null || certificate is not null))
        {
            string certificateTenant = RequireTenant(tenantId ?? Text(First(pairs, TenantKeys)), $"secret '{secretName}'");
            object? password = First(pairs, CertificatePasswordKeys);
            return SignInCredential.ServicePrincipalCertificate(
                certificateTenant,
                clientId.Trim(),
                certificatePath?.Trim(),
                certificate is null ? null : CertificateBytes(certificate, secretName),
                password is null ? null : ToSecure(password));
        }
        if (string.IsNullOrWhiteSpace(clientId) || secret is null)
        {
            throw WrongShape(secretName, $"it has the keys {string.Join(", ", pairs.Keys.OrderBy(k => k, StringComparer.OrdinalIgnoreCase))}");
        }
        string tenant = RequireTenant(tenantId ?? Text(First(pairs, TenantKeys)), $"secret '{secretName}'");
        return SignInCredential.ServicePrincipal(tenant, clientId.Trim(), ToSecure(secret));
    }

    private static SignInCredential FromJson(string json, string? tenantId, string secretName)
    {
        Dictionary<string, object?> pairs;
        try
        {
            using JsonDocument document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw WrongShape(secretName, "its text is JSON but not an object");
            }
            pairs = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
            foreach (JsonProperty property in document.RootElement.EnumerateObject())
            {
                pairs[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : property.Value.GetRawText();
            }
        }
        catch (JsonException)
        {
            // The parser's message could quote the secret text; say only what was expected.
            throw WrongShape(secretName, "its text is not JSON");
        }
        return FromPairs(pairs, tenantId, secretName);
    }

    private static Dictionary<string, object?> ReadTable(IDictionary table)
    {
        var pairs = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry entry in table)
        {
            if (entry.Key?.ToString() is string key)
            {
                pairs[key] = entry.Value;
            }
        }
        return pairs;
    }

    private static object? First(Dictionary<string, object?> pairs, string[] keys) =>
        keys.Select(k => pairs.TryGetValue(k, out object? v) ? v : null).FirstOrDefault(v => v is not null);

    /// <summary>A non-secret value (an id): SecureString values are revealed, as Get-Secret hands every value over as one.</summary>
    private static string? Text(object? value) => value switch
    {
        null => null,
        SecureString secure => Reveal(secure),
        _ => value.ToString(),
    };

    /// <summary>A vault's certificate: the bytes themselves, or text holding them in base64 (or a PEM).</summary>
    private static byte[] CertificateBytes(object value, string secretName)
    {
        if (value is byte[] bytes)
        {
            return (byte[])bytes.Clone();
        }
        string text = Text(value) ?? string.Empty;
        if (text.Contains("-----BEGIN ", StringComparison.Ordinal))
        {
            return System.Text.Encoding.ASCII.GetBytes(text);
        }
        try
        {
            return Convert.FromBase64String(text.Trim());
        }
        catch (FormatException)
        {
            throw WrongShape(secretName, "its Certificate is neither bytes, base64 nor a PEM");
        }
    }

    private static SecureString ToSecure(object value)
    {
        if (value is SecureString secure)
        {
            return secure.Copy();
        }
        if (value is not string text)
        {
            // Never a type name ("System.Security.SecureString" from a wrapper) sent as if it were the secret.
            throw new SecretShapeException(ErrorIds.SecretWrongShape, $"A secret value is a {value.GetType().Name}; store it as a string or a SecureString.");
        }
        var copy = new SecureString();
        foreach (char c in text)
        {
            copy.AppendChar(c);
        }
        copy.MakeReadOnly();
        return copy;
    }

    private static string Reveal(SecureString secure)
    {
        IntPtr unmanaged = Marshal.SecureStringToGlobalAllocUnicode(secure);
        try
        {
            return Marshal.PtrToStringUni(unmanaged, secure.Length);
        }
        finally
        {
            Marshal.ZeroFreeGlobalAllocUnicode(unmanaged);
        }
    }

    private static string RequireTenant(string? tenantId, string what)
    {
        if (string.IsNullOrWhiteSpace(tenantId))
        {
            throw new SecretShapeException(
                ErrorIds.MissingTenant,
                $"No tenant for {what}: add -TenantId <directory id>, or a TenantId entry to the secret.");
        }
        return tenantId.Trim();
    }

    private static SecretShapeException WrongShape(string secretName, string why) =>
        new(ErrorIds.SecretWrongShape,
            $"Secret '{secretName}' is not a service principal ({why}): store a hashtable @{{ ServicePrincipalId = '<application id>'; ServicePrincipalSecret = '<secret>' }} (optionally TenantId), "
            + "or with Certificate (the .pfx bytes or base64) or CertificatePath and CertificatePassword instead of the secret, or JSON with those keys.",
            secretName);
}
