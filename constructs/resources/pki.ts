import type { Naming } from "../../config/naming";
import { partOfLabel, type KubernetesObject } from "../kubernetes-object";

const certManagerApi = "cert-manager.io/v1";

/** A self-signed root, the CA certificate it issues, and a ClusterIssuer signing with that CA. */
export function certificateAuthorityObjects(naming: Naming): KubernetesObject[] {
  const { pki, namespaces } = naming;
  return [
    {
      apiVersion: certManagerApi,
      kind: "ClusterIssuer",
      metadata: { name: pki.selfSignedIssuer, labels: { ...partOfLabel } },
      spec: { selfSigned: {} },
    },
    {
      apiVersion: certManagerApi,
      kind: "Certificate",
      // A ClusterIssuer reads its CA secret from cert-manager's own namespace.
      metadata: { name: pki.caCertificate, namespace: namespaces.certManager, labels: { ...partOfLabel } },
      spec: {
        isCA: true,
        commonName: "streamstack-ca",
        secretName: pki.caCertificate,
        duration: "87600h",
        privateKey: { algorithm: "ECDSA", size: 256 },
        issuerRef: { name: pki.selfSignedIssuer, kind: "ClusterIssuer", group: "cert-manager.io" },
      },
    },
    {
      apiVersion: certManagerApi,
      kind: "ClusterIssuer",
      metadata: { name: pki.caIssuer, labels: { ...partOfLabel } },
      spec: { ca: { secretName: pki.caCertificate } },
    },
  ];
}

/**
 * Strimzi 1.x hands a listener's key to Kafka as a PEM keystore, which takes only unencrypted PKCS#8
 * (brokerCertChainAndKey.key in its Kafka CRD); cert-manager writes PKCS#1 unless told otherwise.
 */
type KeyEncoding = "PKCS1" | "PKCS8";

function certificate(
  naming: Naming,
  name: string,
  namespace: string,
  secretName: string,
  dnsNames: string[],
  encoding: KeyEncoding = "PKCS1",
): KubernetesObject {
  return {
    apiVersion: certManagerApi,
    kind: "Certificate",
    metadata: { name, namespace, labels: { ...partOfLabel } },
    spec: {
      secretName,
      dnsNames,
      duration: "2160h",
      renewBefore: "360h",
      privateKey: { algorithm: "RSA", size: 2048, rotationPolicy: "Always", encoding },
      issuerRef: { name: naming.pki.caIssuer, kind: "ClusterIssuer", group: "cert-manager.io" },
    },
  };
}

/** The Kafka listener's certificate: the bootstrap service and every broker's pod address. */
export function kafkaListenerCertificate(naming: Naming): KubernetesObject {
  const namespace = naming.namespaces.kafka;
  const bootstrap = naming.kafka.bootstrap.host;
  const brokers = `${naming.kafka.brokersService}.${namespace}.svc`;
  return certificate(
    naming,
    "kafka-listener",
    namespace,
    naming.kafka.listenerCertificateSecret,
    [bootstrap, `${bootstrap}.cluster.local`, `*.${brokers}`, `*.${brokers}.cluster.local`],
    "PKCS8",
  );
}

/** A certificate in the apps namespace whose secret's ca.crt lets Kafka clients verify the brokers. */
export function kafkaClientTrustCertificate(naming: Naming): KubernetesObject {
  const namespace = naming.namespaces.apps;
  return certificate(naming, "kafka-client-trust", namespace, naming.kafka.clientTrustSecret, [
    `kafka-clients.${namespace}.svc`,
  ]);
}
