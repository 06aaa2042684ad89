using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace AzBlobSync.HelpGenerator;

/// <summary>
/// The help text written in the cmdlets' XML doc comments (the compiler's .xml beside each assembly): the
/// one place help is edited. A cmdlet class carries &lt;para type="synopsis"&gt;, &lt;para type="description"&gt;
/// and &lt;example&gt;s (&lt;para type="title"&gt;, &lt;code&gt;, then &lt;para&gt;s explaining it); a parameter's
/// property carries its text in &lt;summary&gt;; an output type's &lt;summary&gt; describes what the cmdlet returns.
/// </summary>
internal sealed class XmlDocs
{
    private readonly Dictionary<string, XElement> members = new(StringComparer.Ordinal);

    public XmlDocs(IEnumerable<string> files)
    {
        foreach (string file in files)
        {
            foreach (XElement member in XDocument.Load(file).Descendants("member"))
            {
                members[(string)member.Attribute("name")!] = member;
            }
        }
    }

    public XElement? Type(Type type) => Member("T:" + type.FullName);

    public XElement? Property(Type declaringType, string name) => Member($"P:{declaringType.FullName}.{name}");

    private XElement? Member(string id) => members.TryGetValue(id, out XElement? member) ? member : null;

    /// <summary>The &lt;para type="..."&gt; paragraphs of a member, in its summary or beside it.</summary>
    public static IReadOnlyList<string> Paragraphs(XElement? member, string type, string? name = null) =>
        member is null
            ? Array.Empty<string>()
            : member.Elements("para").Concat(member.Element("summary")?.Elements("para") ?? Enumerable.Empty<XElement>())
                .Where(p => (string?)p.Attribute("type") == type && (name is null || (string?)p.Attribute("name") == name))
                .Select(Text).ToList();

    /// <summary>A member's plain summary as paragraphs (split at &lt;para&gt;s when it has them).</summary>
    public static IReadOnlyList<string> Summary(XElement? member)
    {
        XElement? summary = member?.Element("summary");
        if (summary is null)
        {
            return Array.Empty<string>();
        }
        List<XElement> paras = summary.Elements("para").ToList();
        return paras.Count == 0 ? new[] { Text(summary) } : paras.Select(Text).ToList();
    }

    public static IReadOnlyList<Example> Examples(XElement? member) =>
        member?.Elements("example").Select(e => new Example(
            e.Elements("para").Where(p => (string?)p.Attribute("type") == "title").Select(Text).FirstOrDefault() ?? string.Empty,
            Code(e.Element("code")),
            e.Elements("para").Where(p => p.Attribute("type") is null).Select(Text).ToList())).ToList()
        ?? (IReadOnlyList<Example>)Array.Empty<Example>();

    /// <summary>Running text: references by their short name, whitespace collapsed.</summary>
    public static string Text(XElement element)
    {
        var text = new StringBuilder();
        foreach (XNode node in element.Nodes())
        {
            text.Append(node switch
            {
                XText t => t.Value,
                XElement { Name.LocalName: "see" or "seealso" } see => ShortName((string?)see.Attribute("cref") ?? (string?)see.Attribute("langword") ?? see.Value),
                XElement { Name.LocalName: "paramref" or "typeparamref" } r => (string?)r.Attribute("name") ?? string.Empty,
                XElement inner => Text(inner),
                _ => string.Empty,
            });
        }
        return Regex.Replace(text.ToString(), @"\s+", " ").Trim();
    }

    /// <summary>A code block with its lines kept and the comment's indentation removed.</summary>
    private static string Code(XElement? code)
    {
        if (code is null)
        {
            return string.Empty;
        }
        string[] lines = code.Value.Replace("\r\n", "\n").Split('\n');
        var body = lines.SkipWhile(string.IsNullOrWhiteSpace).Reverse().SkipWhile(string.IsNullOrWhiteSpace).Reverse().ToList();
        int indent = body.Where(l => l.Trim().Length > 0).Select(l => l.Length - l.TrimStart().Length).DefaultIfEmpty(0).Min();
        return string.Join("\n", body.Select(l => l.Length >= indent ? l[indent..].TrimEnd() : l.Trim()));
    }

    private static string ShortName(string cref)
    {
        string name = cref.Contains(':') ? cref[(cref.IndexOf(':') + 1)..] : cref;
        int paren = name.IndexOf('(');
        if (paren >= 0)
        {
            name = name[..paren];
        }
        return name[(name.LastIndexOf('.') + 1)..];
    }
}

internal sealed record Example(string Title, string Code, IReadOnlyList<string> Remarks);
