import { loadConfig } from "../../config/load";
import { deriveNaming } from "../../config/naming";
import {
  certificateAuthorityObjects,
  kafkaClientTrustCertificate,
  kafkaListenerCertificate,
} from "../../constructs/resources/pki";

// cert-manager's CRDs are not pinned (its chart renders them from templates), so these tests pin the fields we rely on.
const naming = deriveNaming(loadConfig({ profile: "cloud" }));

describe("the stack's certificate authority", () => {
  it("is a self-signed root whose CA certificate backs a CA ClusterIssuer", () => {
    const [selfSigned, caCertificate, caIssuer] = certificateAuthorityObjects(naming);
    expect(selfSigned).toMatchObject({
      apiVersion: "cert-manager.io/v1",
      kind: "ClusterIssuer",
      spec: { selfSigned: {} },
    });
    expect(caCertificate).toMatchObject({
      kind: "Certificate",
      metadata: { namespace: "cert-manager" },
      spec: {
        isCA: true,
        secretName: "streamstack-ca",
        issuerRef: { kind: "ClusterIssuer", name: selfSigned.metadata.name },
      },
    });
    // A ClusterIssuer reads its CA secret from cert-manager's namespace: the Certificate must write it there.
    expect(caIssuer).toMatchObject({ kind: "ClusterIssuer", spec: { ca: { secretName: "streamstack-ca" } } });
  });

  it("signs the Kafka listener for the bootstrap service and every broker pod address", () => {
    const certificate = kafkaListenerCertificate(naming);
    expect(certificate.metadata.namespace).toBe("streamstack-kafka");
    expect(certificate.spec).toMatchObject({
      secretName: naming.kafka.listenerCertificateSecret,
      issuerRef: { name: "streamstack-ca", kind: "ClusterIssuer" },
      dnsNames: [
        "streamstack-kafka-bootstrap.streamstack-kafka.svc",
        "streamstack-kafka-bootstrap.streamstack-kafka.svc.cluster.local",
        "*.streamstack-kafka-brokers.streamstack-kafka.svc",
        "*.streamstack-kafka-brokers.streamstack-kafka.svc.cluster.local",
      ],
    });
  });

  it("writes the listener key as PKCS#8, the only PEM key Strimzi 1.x hands Kafka", () => {
    expect(kafkaListenerCertificate(naming).spec).toHaveProperty("privateKey.encoding", "PKCS8");
  });

  it("gives the apps namespace a secret whose ca.crt verifies the brokers", () => {
    const trust = kafkaClientTrustCertificate(naming);
    expect(trust.metadata.namespace).toBe("streamstack-apps");
    expect(trust.spec).toMatchObject({ secretName: "kafka-client-trust", issuerRef: { name: "streamstack-ca" } });
  });
});
