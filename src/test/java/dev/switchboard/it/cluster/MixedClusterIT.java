package dev.switchboard.it.cluster;

import dev.switchboard.it.cluster.ClusterNode.Kind;
import java.util.List;

/** {@link ClusterIT} on a WildFly node and a Payara Micro node. */
class MixedClusterIT extends ClusterIT {

    @Override
    List<ClusterNode> nodes() {
        return ClusterNodes.ready(ClusterNodes.node(Kind.WILDFLY, "wf-a"), ClusterNodes.node(Kind.PAYARA, "py-a"));
    }
}
