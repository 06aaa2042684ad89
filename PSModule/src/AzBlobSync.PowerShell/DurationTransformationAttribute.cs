using System;
using System.Management.Automation;
using AzBlobSync.Commands;

namespace AzBlobSync.PowerShell;

/// <summary>
/// Lets -MinAge/-MaxAge take <c>7d</c>, <c>12h</c>, <c>90s</c> as well as a TimeSpan, and refuses a
/// bare number, which PowerShell would otherwise turn into ticks. The parsing is
/// <see cref="DurationText"/>'s.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
internal sealed class DurationTransformationAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        object value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        switch (value)
        {
            case TimeSpan:
                return value;
            case string text when DurationText.TryParse(text, out TimeSpan parsed):
                return parsed;
            case string text:
                throw new ArgumentTransformationMetadataException($"'{text}' is not a duration: {DurationText.Expected}.");
            case byte or sbyte or short or ushort or int or uint or long or ulong or float or double or decimal:
                throw new ArgumentTransformationMetadataException($"A bare number ({value}) is not a duration: {DurationText.Expected}.");
            default:
                return inputData;
        }
    }
}
