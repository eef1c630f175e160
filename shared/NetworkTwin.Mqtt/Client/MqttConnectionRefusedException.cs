namespace NetworkTwin.Mqtt.Client;

/// <summary>The broker answered CONNECT with a non-zero return code (MQTT 3.1.1 3.2.2.3).</summary>
public sealed class MqttConnectionRefusedException(byte returnCode) : Exception(Describe(returnCode))
{
    public byte ReturnCode { get; } = returnCode;

    private static string Describe(byte code) => code switch
    {
        1 => "the broker refused the connection: unacceptable protocol version (it does not speak MQTT 3.1.1)",
        2 => "the broker refused the connection: client identifier rejected",
        3 => "the broker refused the connection: server unavailable",
        4 => "the broker refused the connection: bad user name or password (check Mqtt:Username and Mqtt:Password)",
        5 => "the broker refused the connection: not authorised (check Mqtt:Username, Mqtt:Password and the broker's ACL)",
        _ => $"the broker refused the connection with unknown return code {code}",
    };
}
