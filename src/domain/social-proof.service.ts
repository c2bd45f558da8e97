/**
 * Social proof: how many of a customer's connections engaged with a brand, product, campaign or
 * piece of content — and how many of them positively — with the share of all their connections
 * that is, and the closest such connections with the tie that links them ("12 of your friends like
 * this"). Connections are the people the customer follows or knows (whose activity they see).
 * An engagement is positive when its sentiment is above 0.2, or when it is neutral (|s| ≤ 0.2)
 * and of an approving kind (like, purchase, share, check-in). For a brand, engagements with its
 * products and campaigns count too. Opted-out connections are counted but never named.
 */
import { AppError, notFound } from './errors.js';
import { ENGAGEMENT_TARGETS } from './model.js';

export type SocialProofTargetKind = (typeof ENGAGEMENT_TARGETS)[number];

export interface EngagedConnection {
  id: string;
  name: string | null;
  tie: { kind: 'FOLLOWS' | 'KNOWS'; weight: number };
  engagement: { kind: string; at: string; sentiment: number; positive: boolean };
}

export interface SocialProofData {
  connections: number;
  engaged: number;
  positive: number;
  closest: EngagedConnection[];
}

export interface SocialProofRepository {
  exists(kind: 'customer' | SocialProofTargetKind, id: string): Promise<boolean>;
  /** One round trip; undefined when the customer or the target is not stored. */
  socialProof(customerId: string, target: { kind: SocialProofTargetKind; id: string }, closest: number): Promise<SocialProofData | undefined>;
}

export function parseTarget(target: string): { kind: SocialProofTargetKind; id: string } {
  const match = /^([a-z]+):(.+)$/.exec(target);
  if (!match || !(ENGAGEMENT_TARGETS as readonly string[]).includes(match[1])) {
    throw new AppError('VALIDATION_FAILED', 400, 'The target is invalid', {
      problems: [{ path: ['query', 'target'], message: `must be kind:id with kind one of ${ENGAGEMENT_TARGETS.join(', ')}` }],
    });
  }
  return { kind: match[1] as SocialProofTargetKind, id: match[2] };
}

export class SocialProofService {
  constructor(private readonly repo: SocialProofRepository) {}

  async get(customerId: string, target: string, closest = 5) {
    const t = parseTarget(target);
    // The answer and the existence of both ends come from one query; only a miss asks which end is missing.
    const found = await this.repo.socialProof(customerId, t, closest);
    if (!found && !(await this.repo.exists('customer', customerId))) throw notFound('Customer', customerId);
    if (!found && !(await this.repo.exists(t.kind, t.id))) throw notFound(t.kind, t.id);
    const data = found ?? { connections: 0, engaged: 0, positive: 0, closest: [] };
    const share = (k: number) => (data.connections > 0 ? Math.round((k / data.connections) * 10_000) / 10_000 : 0);
    return {
      customerId,
      target: t,
      connections: data.connections,
      engaged: data.engaged,
      engagedShare: share(data.engaged),
      positive: data.positive,
      positiveShare: share(data.positive),
      message:
        data.positive > 0
          ? `${data.positive} of your ${data.connections} connections like this`
          : data.engaged > 0
            ? `${data.engaged} of your ${data.connections} connections engaged with this`
            : 'None of your connections engaged with this yet',
      closest: data.closest,
    };
  }
}
