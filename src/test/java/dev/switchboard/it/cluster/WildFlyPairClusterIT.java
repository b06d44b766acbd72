package dev.switchboard.it.cluster;

import dev.switchboard.it.cluster.ClusterNode.Kind;
import java.util.List;

/** {@link ClusterIT} on two WildFly nodes. */
class WildFlyPairClusterIT extends ClusterIT {

    @Override
    List<ClusterNode> nodes() {
        return ClusterNodes.ready(ClusterNodes.node(Kind.WILDFLY, "wf-a"), ClusterNodes.node(Kind.WILDFLY, "wf-b"));
    }
}
