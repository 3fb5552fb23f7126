import { knowledgeArticleDecider, knowledgeArticleStream, type ArticleContent, type KnowledgeArticleState } from '../domain/knowledge-article';
import { NotFoundError } from '../domain/shared/errors';
import type { CommandDeps, RequestMeta } from './context';
import { handleCommand, type CommandResult } from './handle-command';

/** Document 004's knowledge base: articles written, changed and published by staff (`by`: the user id). */
export async function createArticle(
  deps: CommandDeps,
  input: { content: ArticleContent; publish: boolean; by: string },
  meta: RequestMeta,
): Promise<{ articleId: string; result: CommandResult<KnowledgeArticleState> }> {
  const articleId = deps.ids.uuid();
  const result = await handleCommand(
    deps,
    knowledgeArticleDecider,
    knowledgeArticleStream(articleId),
    { type: 'CreateArticle', articleId, content: input.content, publish: input.publish, by: input.by, now: deps.clock.now().toISOString() },
    meta,
  );
  return { articleId, result };
}

async function onArticle(deps: CommandDeps, articleId: string, command: Parameters<typeof knowledgeArticleDecider.decide>[0], meta: RequestMeta): Promise<CommandResult<KnowledgeArticleState>> {
  const result = await handleCommand(deps, knowledgeArticleDecider, knowledgeArticleStream(articleId), command, meta);
  if (!result.state.exists) throw new NotFoundError('Article', articleId);
  return result;
}

export function updateArticle(deps: CommandDeps, articleId: string, changes: Partial<ArticleContent>, by: string, meta: RequestMeta): Promise<CommandResult<KnowledgeArticleState>> {
  return onArticle(deps, articleId, { type: 'UpdateArticle', changes, by, now: deps.clock.now().toISOString() }, meta);
}

export function publishArticle(deps: CommandDeps, articleId: string, by: string, meta: RequestMeta): Promise<CommandResult<KnowledgeArticleState>> {
  return onArticle(deps, articleId, { type: 'PublishArticle', by, now: deps.clock.now().toISOString() }, meta);
}
