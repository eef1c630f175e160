// NetworkTwin's second opinion on a backbone what-if: one traffic matrix routed packet by packet over the twin's
// own per-destination ECMP next hops (equal shares, round robin per node and destination), each link a full-duplex
// point-to-point pair at its capacity with a drop-tail queue, each demand a Poisson stream of packets for the given
// seconds. Prints one JSON object with each link direction's utilisation (its bytes over capacity x seconds) and loss.
//
// Input (text, written by `networktwin lab validate backbone`), one record per line, '#' starts a comment:
//   nodes N
//   link INDEX A B CAPACITY_BPS          (a link that is down is simply not listed)
//   nexthop NODE DESTINATION LINK...     (the links to forward on from NODE towards DESTINATION)
//   demand SOURCE TARGET RATE_BPS

#include "ns3/core-module.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

using namespace ns3;

namespace
{

// Which demand a packet belongs to; its destination follows from the demand.
class DemandTag : public Tag
{
  public:
    static TypeId GetTypeId()
    {
        static TypeId tid = TypeId("DemandTag").SetParent<Tag>().AddConstructor<DemandTag>();
        return tid;
    }

    TypeId GetInstanceTypeId() const override { return GetTypeId(); }
    uint32_t GetSerializedSize() const override { return 4; }
    void Serialize(TagBuffer i) const override { i.WriteU32(demand); }
    void Deserialize(TagBuffer i) override { demand = i.ReadU32(); }
    void Print(std::ostream& os) const override { os << "demand=" << demand; }

    uint32_t demand = 0;
};

// The point-to-point device puts a 2-byte PPP header on every packet (and takes it off at the far end): packets are
// made that much shorter, so a packet is packetBytes on the wire and every count here is in wire bytes.
constexpr uint32_t kPppHeaderBytes = 2;

struct LinkSpec
{
    uint32_t index;
    uint32_t a;
    uint32_t b;
    double capacityBps;
};

struct Direction
{
    uint32_t link;
    uint32_t from;
    uint32_t to;
    double capacityBps;
    Ptr<NetDevice> device;
    uint64_t sentBytes = 0;
    uint64_t sentInWindowBytes = 0; // before the streams stopped: the utilisation
    uint64_t droppedBytes = 0;
    double window = 1;
};

struct DemandSpec
{
    uint32_t source;
    uint32_t target;
    double rateBps;
    uint64_t offeredBytes = 0;
    uint64_t deliveredBytes = 0;
    Ptr<ExponentialRandomVariable> gap;
};

struct Twin
{
    uint32_t nodes = 0;
    std::vector<LinkSpec> links;
    std::map<std::pair<uint32_t, uint32_t>, std::vector<uint32_t>> nextHops; // (node, destination) -> links
    std::vector<DemandSpec> demands;
    std::map<std::pair<uint32_t, uint32_t>, size_t> direction;               // (link, from node) -> directions index
    std::map<std::pair<uint32_t, uint32_t>, uint32_t> turn;                  // round robin per (node, destination)
    std::vector<Direction> directions;
    uint32_t packetBytes = 1500;
    uint64_t unroutedBytes = 0;
    double stopSeconds = 1;

    void Forward(uint32_t node, Ptr<Packet> packet, uint32_t demand)
    {
        auto& d = demands[demand];
        if (node == d.target)
        {
            d.deliveredBytes += packet->GetSize() + kPppHeaderBytes;
            return;
        }

        auto hops = nextHops.find({node, d.target});
        if (hops == nextHops.end() || hops->second.empty())
        {
            unroutedBytes += packet->GetSize() + kPppHeaderBytes;
            return;
        }

        uint32_t& k = turn[{node, d.target}];
        uint32_t link = hops->second[k++ % hops->second.size()];
        auto& dir = directions[direction.at({link, node})];
        dir.device->Send(packet, dir.device->GetBroadcast(), 0x0800);
    }

    void Emit(uint32_t demand)
    {
        if (Simulator::Now().GetSeconds() >= stopSeconds)
        {
            return;
        }

        auto& d = demands[demand];
        auto packet = Create<Packet>(packetBytes - kPppHeaderBytes);
        DemandTag tag;
        tag.demand = demand;
        packet->AddPacketTag(tag);
        d.offeredBytes += packetBytes;
        Forward(d.source, packet, demand);
        Simulator::Schedule(Seconds(d.gap->GetValue()), &Twin::Emit, this, demand);
    }

    bool Received(Ptr<NetDevice> device, Ptr<const Packet> packet, uint16_t, const Address&)
    {
        auto copy = packet->Copy();
        DemandTag tag;
        copy->PeekPacketTag(tag);
        Forward(device->GetNode()->GetId(), copy, tag.demand);
        return true;
    }
};

bool Read(const std::string& path, Twin& twin, std::string& error)
{
    std::ifstream in(path);
    if (!in)
    {
        error = "cannot open " + path;
        return false;
    }

    std::string line;
    int number = 0;
    while (std::getline(in, line))
    {
        number++;
        auto hash = line.find('#');
        if (hash != std::string::npos)
        {
            line.erase(hash);
        }

        std::istringstream fields(line);
        std::string kind;
        if (!(fields >> kind))
        {
            continue;
        }

        bool ok = true;
        if (kind == "nodes")
        {
            ok = static_cast<bool>(fields >> twin.nodes);
        }
        else if (kind == "link")
        {
            LinkSpec l{};
            ok = static_cast<bool>(fields >> l.index >> l.a >> l.b >> l.capacityBps) && l.a < twin.nodes && l.b < twin.nodes && l.capacityBps >= 1;
            twin.links.push_back(l);
        }
        else if (kind == "nexthop")
        {
            uint32_t node = 0, destination = 0, link = 0;
            ok = static_cast<bool>(fields >> node >> destination);
            auto& hops = twin.nextHops[{node, destination}];
            while (ok && fields >> link)
            {
                hops.push_back(link);
            }
        }
        else if (kind == "demand")
        {
            DemandSpec d{};
            ok = static_cast<bool>(fields >> d.source >> d.target >> d.rateBps) && d.source < twin.nodes && d.target < twin.nodes && d.rateBps >= 0;
            twin.demands.push_back(d);
        }
        else
        {
            ok = false;
        }

        if (!ok)
        {
            error = path + ":" + std::to_string(number) + ": cannot read \"" + line + "\"";
            return false;
        }
    }

    if (twin.nodes == 0)
    {
        error = path + ": no 'nodes' line";
        return false;
    }

    return true;
}

} // namespace

int main(int argc, char* argv[])
{
    std::string input;
    double seconds = 1;
    double bufferMs = 5;
    uint32_t packetBytes = 1500;
    uint32_t seed = 1;
    CommandLine cmd(__FILE__);
    cmd.AddValue("input", "the twin's export", input);
    cmd.AddValue("seconds", "simulated seconds of the matrix", seconds);
    cmd.AddValue("buffer-ms", "every queue's size as drain time at its link's capacity, in ms", bufferMs);
    cmd.AddValue("packet-bytes", "bytes per packet on the wire", packetBytes);
    cmd.AddValue("seed", "random seed of the Poisson streams", seed);
    cmd.Parse(argc, argv);
    if (input.empty() || seconds <= 0 || bufferMs < 0 || packetBytes < 64)
    {
        std::fprintf(stderr, "usage: backbone-ecmp --input=FILE [--seconds=1] [--buffer-ms=5] [--packet-bytes=1500] [--seed=1]\n");
        return 2;
    }

    auto wallStart = std::chrono::steady_clock::now();
    Twin twin;
    twin.packetBytes = packetBytes;
    twin.stopSeconds = seconds;
    std::string error;
    if (!Read(input, twin, error))
    {
        std::fprintf(stderr, "backbone-ecmp: %s\n", error.c_str());
        return 3;
    }

    RngSeedManager::SetSeed(seed);
    NodeContainer nodes;
    nodes.Create(twin.nodes);
    for (const auto& l : twin.links)
    {
        PointToPointHelper p2p;
        p2p.SetDeviceAttribute("DataRate", DataRateValue(DataRate(static_cast<uint64_t>(l.capacityBps))));
        p2p.SetDeviceAttribute("Mtu", UintegerValue(65535));
        p2p.SetChannelAttribute("Delay", TimeValue(MicroSeconds(100)));
        auto queueBytes = static_cast<uint32_t>(std::max(2.0 * packetBytes, l.capacityBps * bufferMs / 1000 / 8));
        p2p.SetQueue("ns3::DropTailQueue<Packet>", "MaxSize", QueueSizeValue(QueueSize(QueueSizeUnit::BYTES, queueBytes)));
        auto devices = p2p.Install(nodes.Get(l.a), nodes.Get(l.b));
        for (int end = 0; end < 2; end++)
        {
            Direction d;
            d.link = l.index;
            d.from = end == 0 ? l.a : l.b;
            d.to = end == 0 ? l.b : l.a;
            d.capacityBps = l.capacityBps;
            d.window = seconds;
            d.device = devices.Get(end);
            twin.direction[{l.index, d.from}] = twin.directions.size();
            twin.directions.push_back(d);
        }
    }

    for (auto& d : twin.directions)
    {
        auto* counters = &d;
        d.device->TraceConnectWithoutContext("PhyTxEnd", MakeBoundCallback(+[](Direction* dir, Ptr<const Packet> p) {
            dir->sentBytes += p->GetSize();
            if (Simulator::Now().GetSeconds() <= dir->window)
            {
                dir->sentInWindowBytes += p->GetSize();
            }
        }, counters));
        d.device->TraceConnectWithoutContext("MacTxDrop", MakeBoundCallback(+[](Direction* dir, Ptr<const Packet> p) { dir->droppedBytes += p->GetSize(); }, counters));
        d.device->SetReceiveCallback(MakeCallback(&Twin::Received, &twin));
    }

    for (uint32_t i = 0; i < twin.demands.size(); i++)
    {
        auto& d = twin.demands[i];
        if (d.rateBps <= 0 || d.source == d.target)
        {
            continue;
        }

        d.gap = CreateObject<ExponentialRandomVariable>();
        d.gap->SetAttribute("Mean", DoubleValue(packetBytes * 8.0 / d.rateBps));
        d.gap->SetStream(i);
        Simulator::Schedule(Seconds(d.gap->GetValue()), &Twin::Emit, &twin, i);
    }

    // The streams stop at `seconds`; the run goes on until what they sent has drained (queues hold milliseconds), so a
    // packet still in flight at the end is not counted as lost.
    Simulator::Stop(Seconds(seconds + 1));
    Simulator::Run();
    Simulator::Destroy();
    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wallStart).count();

    uint64_t offered = 0, delivered = 0;
    for (const auto& d : twin.demands)
    {
        offered += d.offeredBytes;
        delivered += d.deliveredBytes;
    }

    std::printf("{\"ns3Version\":\"3.37\",\"seconds\":%.6f,\"bufferMs\":%.3f,\"packetBytes\":%u,\"offeredBytes\":%llu,\"deliveredBytes\":%llu,\"unroutedBytes\":%llu,\"wallSeconds\":%.3f,\"directions\":[",
                seconds, bufferMs, packetBytes, static_cast<unsigned long long>(offered), static_cast<unsigned long long>(delivered),
                static_cast<unsigned long long>(twin.unroutedBytes), wall);
    for (size_t i = 0; i < twin.directions.size(); i++)
    {
        const auto& d = twin.directions[i];
        double attempted = static_cast<double>(d.sentBytes + d.droppedBytes);
        std::printf("%s{\"link\":%u,\"from\":%u,\"to\":%u,\"capacityBps\":%.0f,\"sentBytes\":%llu,\"droppedBytes\":%llu,\"utilisation\":%.6f,\"loss\":%.9f}",
                    i == 0 ? "" : ",", d.link, d.from, d.to, d.capacityBps, static_cast<unsigned long long>(d.sentBytes),
                    static_cast<unsigned long long>(d.droppedBytes), d.sentInWindowBytes * 8.0 / (d.capacityBps * seconds),
                    attempted > 0 ? d.droppedBytes / attempted : 0.0);
    }

    std::printf("]}\n");
    return 0;
}
