import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { bundleApp, type AppName } from "../apps/bundle";
import type { Resources } from "../config/schema";
import type { ContainerImage } from "./container-image";
import { ChartRelease } from "./chart-release";
import type { PodsPeer } from "./grants";
import { localChartPods } from "./local-chart-pods";

export interface NodeAppProps {
  /** Which of our apps to bundle and run. */
  readonly app: AppName;
  readonly releaseName: string;
  readonly namespace: string;
  readonly image: ContainerImage;
  readonly args?: readonly string[];
  readonly replicas: number;
  readonly resources: Resources;
  readonly env: Readonly<Record<string, string>>;
  /** Secrets mounted as files: only the listed keys, each as a file of the same name under mountPath. */
  readonly secretFiles?: readonly {
    readonly secretName: string;
    readonly mountPath: string;
    readonly keys: readonly string[];
  }[];
  /** HTTP port and how it is exposed; omit for apps that serve nothing. */
  readonly service?: { readonly port: number; readonly type: "ClusterIP" | "NodePort"; readonly nodePort: number };
  readonly dependsOn: readonly ITerraformDependable[];
}

// Bundling is deterministic, so one bundle per app serves every stack synthesized in this process.
const bundles = new Map<AppName, ReturnType<typeof bundleApp>>();

export function bundled(app: AppName): ReturnType<typeof bundleApp> {
  let bundle = bundles.get(app);
  if (!bundle) {
    bundle = bundleApp(app);
    bundles.set(app, bundle);
  }
  return bundle;
}

/** One of our TypeScript apps, bundled at synth time and run from a ConfigMap on the official Node.js image. */
export class NodeApp extends Construct {
  /** SHA-256 of the bundle that was shipped. */
  readonly codeSha256: string;
  /** The app's pods, labelled by the chart after the release (charts/node-app/templates/_helpers.tpl). */
  readonly pods: PodsPeer;
  /** The chart release: installed once the app's Deployment is ready (Helm's wait). */
  readonly release: ChartRelease["release"];

  constructor(scope: Construct, id: string, props: NodeAppProps) {
    super(scope, id);
    const bundle = bundled(props.app);
    this.codeSha256 = bundle.sha256;
    this.pods = localChartPods(
      this,
      props.releaseName,
      props.namespace,
      props.service?.type === "NodePort" ? props.service : undefined,
    );
    this.release = new ChartRelease(this, "chart", {
      name: props.releaseName,
      namespace: props.namespace,
      chart: { localChart: "node-app" },
      values: {
        image: props.image.name,
        imagePullPolicy: props.image.pullPolicy,
        code: bundle.code,
        args: props.args ?? [],
        replicas: props.replicas,
        env: props.env,
        secretFiles: props.secretFiles ?? [],
        resources: props.resources,
        service: props.service
          ? { ...props.service, healthPath: "/healthz" }
          : { port: 0, type: "ClusterIP", nodePort: 0, healthPath: "/healthz" },
      },
      dependsOn: props.dependsOn,
    }).release;
  }
}
