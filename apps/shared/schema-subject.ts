/**
 * The subject a topic's value schema is registered under: Confluent's TopicNameStrategy, the default of its
 * serializers and of Schema Registry clients (`<topic>-value`). The producer and config/naming.ts both use this,
 * so renaming the topic moves the subject with it.
 */
export function topicValueSubject(topic: string): string {
  return `${topic}-value`;
}
