using System.Security;

namespace AzBlobSync.Tests.Infrastructure;

public static class Secrets
{
    public static SecureString ToSecureString(string value)
    {
        var secure = new SecureString();
        foreach (char c in value)
        {
            secure.AppendChar(c);
        }
        secure.MakeReadOnly();
        return secure;
    }
}
