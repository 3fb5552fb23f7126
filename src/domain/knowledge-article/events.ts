import { z } from 'zod';
import { defineEvent, type EventOf } from '../shared/events';

/**
 * A knowledge-base article (document 004 "Knowledge Base Management"): written as a draft or
 * published at once, changed, published. Stream `kb_article-<uuid>`. Staff read drafts and
 * published articles; what a customer could read is the published ones.
 */
export const articleContentSchema = z.object({
  title: z.string(),
  content: z.string(),
  category: z.string(),
  tags: z.array(z.string()),
});
export type ArticleContent = z.infer<typeof articleContentSchema>;

export const KnowledgeArticleCreated = defineEvent(
  'KnowledgeArticleCreated',
  articleContentSchema.extend({
    articleId: z.string(),
    authorId: z.string(),
    /** Published with its creation. */
    published: z.boolean(),
    createdAt: z.string(),
  }),
);

/** Only what changed, with the values before. */
export const KnowledgeArticleUpdated = defineEvent(
  'KnowledgeArticleUpdated',
  z.object({ articleId: z.string(), changes: articleContentSchema.partial(), previous: articleContentSchema.partial(), updatedBy: z.string(), updatedAt: z.string() }),
);

export const KnowledgeArticlePublished = defineEvent('KnowledgeArticlePublished', z.object({ articleId: z.string(), publishedBy: z.string(), publishedAt: z.string() }));

export const knowledgeArticleEvents = [KnowledgeArticleCreated, KnowledgeArticleUpdated, KnowledgeArticlePublished];
export type KnowledgeArticleEvent = EventOf<typeof KnowledgeArticleCreated> | EventOf<typeof KnowledgeArticleUpdated> | EventOf<typeof KnowledgeArticlePublished>;

export const knowledgeArticleStream = (articleId: string): string => `kb_article-${articleId}`;
