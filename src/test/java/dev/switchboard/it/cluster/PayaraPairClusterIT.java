package dev.switchboard.it.cluster;

import dev.switchboard.it.cluster.ClusterNode.Kind;
import java.util.List;

/** {@link ClusterIT} on two Payara Micro nodes. */
class PayaraPairClusterIT extends ClusterIT {

    @Override
    List<ClusterNode> nodes() {
        return ClusterNodes.ready(ClusterNodes.node(Kind.PAYARA, "py-a"), ClusterNodes.node(Kind.PAYARA, "py-b"));
    }
}
