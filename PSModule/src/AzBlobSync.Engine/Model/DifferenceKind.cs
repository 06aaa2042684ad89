namespace AzBlobSync;

/// <summary>How a name differs between source and destination.</summary>
public enum DifferenceKind
{
    /// <summary>At the source only: a sync would copy it.</summary>
    Missing,

    /// <summary>On both sides but different (size; modified time, or content with CompareHash MD5): a sync would copy it again.</summary>
    Changed,

    /// <summary>At the destination only: a sync with DeleteDestination would delete it.</summary>
    Extra,
}
