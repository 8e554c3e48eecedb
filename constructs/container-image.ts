import type { ImagePullPolicy } from "../config/schema";

/** An image the stack runs, and how the kubelet pulls it (the config's cluster.imagePullPolicy). */
export interface ContainerImage {
  readonly name: string;
  readonly pullPolicy: ImagePullPolicy;
}

/** The official Node.js image our bundled apps and gates run on, as the config names it. */
export function nodeImageOf(config: {
  readonly cluster: { readonly imagePullPolicy: ImagePullPolicy };
  readonly apps: { readonly nodeImage: string };
}): ContainerImage {
  return { name: config.apps.nodeImage, pullPolicy: config.cluster.imagePullPolicy };
}
