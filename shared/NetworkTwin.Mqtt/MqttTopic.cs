using System.Text;

namespace NetworkTwin.Mqtt;

/// <summary>Topic names and filters as MQTT 3.1.1 section 4.7 defines them.</summary>
public static class MqttTopic
{
    public const int MaxLengthBytes = 65535;

    /// <summary>Null when <paramref name="topic"/> is a valid name to publish to, otherwise why not.</summary>
    public static string? ValidateName(string topic)
    {
        var common = ValidateCommon(topic);
        if (common is not null)
        {
            return common;
        }

        return topic.AsSpan().IndexOfAny('+', '#') >= 0 ? $"topic name \"{topic}\" must not contain the wildcards + or #" : null;
    }

    /// <summary>Null when <paramref name="filter"/> is a valid subscription filter, otherwise why not.</summary>
    public static string? ValidateFilter(string filter)
    {
        var common = ValidateCommon(filter);
        if (common is not null)
        {
            return common;
        }

        var levels = filter.Split('/');
        for (var i = 0; i < levels.Length; i++)
        {
            var level = levels[i];
            if (level.Contains('#') && (level != "#" || i != levels.Length - 1))
            {
                return $"topic filter \"{filter}\": # must be a whole level and the last one";
            }

            if (level.Contains('+') && level != "+")
            {
                return $"topic filter \"{filter}\": + must be a whole level";
            }
        }

        return null;
    }

    /// <summary>Whether <paramref name="topic"/> matches <paramref name="filter"/> (both already valid).</summary>
    public static bool Matches(string filter, string topic)
    {
        // Topics starting with $ are not matched by a leading wildcard (4.7.2).
        if (topic.StartsWith('$') && (filter.StartsWith('+') || filter.StartsWith('#')))
        {
            return false;
        }

        var f = filter.AsSpan();
        var t = topic.AsSpan();
        while (true)
        {
            var fEnd = f.IndexOf('/');
            var fLevel = fEnd < 0 ? f : f[..fEnd];
            if (fLevel is "#")
            {
                return true;
            }

            var tEnd = t.IndexOf('/');
            var tLevel = tEnd < 0 ? t : t[..tEnd];
            if (fLevel is not "+" && !fLevel.SequenceEqual(tLevel))
            {
                return false;
            }

            if (fEnd < 0 || tEnd < 0)
            {
                // "a/#" also matches "a" (the parent level).
                return fEnd < 0 && tEnd < 0 || (tEnd < 0 && f[(fEnd + 1)..] is "#");
            }

            f = f[(fEnd + 1)..];
            t = t[(tEnd + 1)..];
        }
    }

    private static string? ValidateCommon(string topic)
    {
        if (string.IsNullOrEmpty(topic))
        {
            return "topic must not be empty";
        }

        if (topic.Contains('\0'))
        {
            return "topic must not contain the NUL character";
        }

        if (Encoding.UTF8.GetByteCount(topic) > MaxLengthBytes)
        {
            return $"topic is longer than {MaxLengthBytes} bytes of UTF-8";
        }

        return null;
    }
}
