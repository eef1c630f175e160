using Microsoft.Extensions.Logging;

namespace NetworkTwin.Mqtt.Client;

public sealed partial class MqttClient
{
    private static partial class Log
    {
        [LoggerMessage(1001, LogLevel.Information, "Connected to MQTT broker {Endpoint} as {ClientId} (MQTT {Version}, session present: {SessionPresent}); republished {Resent} unacknowledged message(s)")]
        public static partial void Connected(ILogger logger, string endpoint, string clientId, string version, bool sessionPresent, int resent);

        [LoggerMessage(1002, LogLevel.Warning, "Lost the connection to MQTT broker {Endpoint}: {Reason}. Reconnecting in {DelaySeconds:0.0} s; nothing accepted is lost")]
        public static partial void ConnectionLost(ILogger logger, string endpoint, string reason, double delaySeconds);

        [LoggerMessage(1003, LogLevel.Warning, "Cannot connect to MQTT broker {Endpoint}: {Reason}. Retrying in {DelaySeconds:0.0} s; check that the broker runs and the host/port are right")]
        public static partial void ConnectFailed(ILogger logger, string endpoint, string reason, double delaySeconds);

        [LoggerMessage(1004, LogLevel.Warning, "MQTT broker {Endpoint} sent a malformed packet ({Reason}); closing this connection and reconnecting")]
        public static partial void ProtocolError(ILogger logger, string endpoint, string reason);

        [LoggerMessage(1005, LogLevel.Error, "MQTT broker {Endpoint} {Reason}")]
        public static partial void Refused(ILogger logger, string endpoint, string reason);

        [LoggerMessage(1006, LogLevel.Error, "MQTT broker {Endpoint} refused the subscription to {Filter} ({ReasonCode}); no data arrives on it (check the broker's ACL)")]
        public static partial void SubscriptionRefused(ILogger logger, string endpoint, string filter, string reasonCode);

        [LoggerMessage(1007, LogLevel.Error, "MQTT broker {Endpoint} refused a message on {Topic} ({ReasonCode}); it was not delivered (check the broker's ACL and limits)")]
        public static partial void PublishRefused(ILogger logger, string endpoint, string topic, string reasonCode);
    }
}
