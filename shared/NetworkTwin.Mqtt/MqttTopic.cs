using System.Text;

namespace NetworkTwin.Mqtt;

/// <summary>
/// Topic names and filters as MQTT section 4.7 defines them, checked before they reach MQTTnet (whose own check
/// accepts filters such as <c>a+/b</c> that a broker then refuses): each problem is said in words for the configuration error.
/// </summary>
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
