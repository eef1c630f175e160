// NetworkTwin's second opinion on a fronthaul link: the twin's packet arrivals replayed through an ns-3
// switch egress port (a point-to-point device at the link rate with a drop-tail queue of the buffer's bytes),
// the loss measured where the queue drops. Reads the arrivals file `networktwin lab validate ns3` writes and
// prints one JSON object.
//
// Arrivals file: the 8 bytes "NTARRV01", then records of a little-endian int64 arrival time in nanoseconds and a
// uint32 size in bytes (the bytes on the wire), sorted by time.

#include "ns3/core-module.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

using namespace ns3;

namespace
{

struct Arrival
{
    int64_t timeNs;
    uint32_t bytes;
};

// The point-to-point device puts a 2-byte PPP header on every packet; the packets are made 2 bytes shorter so
// that what crosses the link, and what the queue counts, is the twin's bytes.
constexpr uint32_t kPppHeaderBytes = 2;

struct Replay
{
    std::vector<Arrival> arrivals;
    size_t next = 0;
    Ptr<NetDevice> device;
    uint64_t offeredBytes = 0;
    uint64_t offeredPackets = 0;
    uint64_t droppedBytes = 0;
    uint64_t droppedPackets = 0;
    uint64_t sentBytes = 0;
    uint32_t maxQueueBytes = 0;
    Ptr<Queue<Packet>> queue;

    // One pending arrival event at a time: millions of packets are not all in the scheduler at once.
    void Send()
    {
        const Arrival& a = arrivals[next++];
        uint32_t payload = a.bytes > kPppHeaderBytes ? a.bytes - kPppHeaderBytes : 1;
        offeredBytes += payload + kPppHeaderBytes;
        offeredPackets++;
        device->Send(Create<Packet>(payload), device->GetBroadcast(), 0x0800);
        uint32_t queued = queue->GetNBytes();
        if (queued > maxQueueBytes)
        {
            maxQueueBytes = queued;
        }

        if (next < arrivals.size())
        {
            Simulator::Schedule(NanoSeconds(arrivals[next].timeNs) - Simulator::Now(), &Replay::Send, this);
        }
    }

    void Dropped(Ptr<const Packet> p)
    {
        droppedBytes += p->GetSize();
        droppedPackets++;
    }

    void Sent(Ptr<const Packet> p)
    {
        sentBytes += p->GetSize();
    }
};

bool Load(const std::string& path, std::vector<Arrival>& arrivals, std::string& error)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
    {
        error = "cannot open " + path;
        return false;
    }

    char magic[8];
    if (!in.read(magic, 8) || std::memcmp(magic, "NTARRV01", 8) != 0)
    {
        error = path + " is not an arrivals file (no NTARRV01 header)";
        return false;
    }

    int64_t previous = INT64_MIN;
    for (;;)
    {
        unsigned char record[12];
        in.read(reinterpret_cast<char*>(record), 12);
        if (in.gcount() == 0)
        {
            break;
        }

        if (in.gcount() != 12)
        {
            error = path + " ends in the middle of a record";
            return false;
        }

        Arrival a;
        std::memcpy(&a.timeNs, record, 8);
        std::memcpy(&a.bytes, record + 8, 4);
        if (a.timeNs < previous || a.timeNs < 0 || a.bytes == 0)
        {
            error = path + ": record " + std::to_string(arrivals.size()) + " is out of order, before time 0 or empty";
            return false;
        }

        previous = a.timeNs;
        arrivals.push_back(a);
    }

    return true;
}

} // namespace

int main(int argc, char* argv[])
{
    std::string arrivalsPath;
    double rateBps = 0;
    uint64_t bufferBytes = 0;
    CommandLine cmd(__FILE__);
    cmd.AddValue("arrivals", "arrivals file written by networktwin", arrivalsPath);
    cmd.AddValue("rate-bps", "egress link rate in bit/s", rateBps);
    cmd.AddValue("buffer-bytes", "egress queue size in bytes (rate x buffer time / 8)", bufferBytes);
    cmd.Parse(argc, argv);
    if (arrivalsPath.empty() || rateBps < 1 || bufferBytes < 1)
    {
        std::fprintf(stderr, "usage: fronthaul-queue --arrivals=FILE --rate-bps=R --buffer-bytes=B\n");
        return 2;
    }

    auto wallStart = std::chrono::steady_clock::now();
    Replay replay;
    std::string error;
    if (!Load(arrivalsPath, replay.arrivals, error))
    {
        std::fprintf(stderr, "fronthaul-queue: %s\n", error.c_str());
        return 3;
    }

    NodeContainer nodes;
    nodes.Create(2);
    PointToPointHelper link;
    link.SetDeviceAttribute("DataRate", DataRateValue(DataRate(static_cast<uint64_t>(rateBps))));
    link.SetDeviceAttribute("Mtu", UintegerValue(65535));
    link.SetChannelAttribute("Delay", TimeValue(Seconds(0)));
    link.SetQueue("ns3::DropTailQueue<Packet>", "MaxSize", QueueSizeValue(QueueSize(QueueSizeUnit::BYTES, static_cast<uint32_t>(bufferBytes))));
    NetDeviceContainer devices = link.Install(nodes);
    auto egress = DynamicCast<PointToPointNetDevice>(devices.Get(0));
    replay.device = egress;
    replay.queue = egress->GetQueue();
    egress->TraceConnectWithoutContext("MacTxDrop", MakeCallback(&Replay::Dropped, &replay));
    egress->TraceConnectWithoutContext("PhyTxEnd", MakeCallback(&Replay::Sent, &replay));
    if (!replay.arrivals.empty())
    {
        Simulator::Schedule(NanoSeconds(replay.arrivals[0].timeNs), &Replay::Send, &replay);
    }

    Simulator::Run();
    double simulated = Simulator::Now().GetSeconds();
    Simulator::Destroy();
    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wallStart).count();
    double loss = replay.offeredBytes > 0 ? static_cast<double>(replay.droppedBytes) / static_cast<double>(replay.offeredBytes) : 0.0;
    std::printf("{\"ns3Version\":\"3.37\",\"rateBps\":%.0f,\"bufferBytes\":%llu,\"offeredPackets\":%llu,\"offeredBytes\":%llu,"
                "\"droppedPackets\":%llu,\"droppedBytes\":%llu,\"sentBytes\":%llu,\"maxQueueBytes\":%u,\"loss\":%.9f,"
                "\"simulatedSeconds\":%.6f,\"wallSeconds\":%.3f}\n",
                rateBps, static_cast<unsigned long long>(bufferBytes), static_cast<unsigned long long>(replay.offeredPackets),
                static_cast<unsigned long long>(replay.offeredBytes), static_cast<unsigned long long>(replay.droppedPackets),
                static_cast<unsigned long long>(replay.droppedBytes), static_cast<unsigned long long>(replay.sentBytes),
                replay.maxQueueBytes, loss, simulated, wall);
    return 0;
}
