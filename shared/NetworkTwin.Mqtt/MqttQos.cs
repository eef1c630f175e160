namespace NetworkTwin.Mqtt;

/// <summary>MQTT delivery guarantee.</summary>
public enum MqttQos : byte
{
    AtMostOnce = 0,
    AtLeastOnce = 1,
    ExactlyOnce = 2,
}
