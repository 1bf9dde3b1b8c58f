import { CostProfile } from './assumptions';
import { StackModel } from './template-model';

/** The profile whose usage defaults apply, and what chose it. */
export interface ProfileDetection {
  readonly profile: CostProfile;
  /** Template facts or the option that chose the profile. */
  readonly detectedFrom: readonly string[];
}

/**
 * Detects the deployment profile from settings that `PostizPlatform` derives from it: Aurora
 * MinCapacity 0 (auto-pause), one NAT gateway, no interface endpoints and no deletion
 * protection point to development. The majority of the facts found wins, and a tie or no fact
 * means production, as in `PostizPlatform`.
 */
export function detectProfile(models: readonly StackModel[]): ProfileDetection {
  const votes: Array<{ development: boolean; fact: string }> = [];
  const clusters = models.flatMap((model) => model.auroraClusters);
  if (clusters.length > 0) {
    const pausing = clusters.filter((cluster) => cluster.minAcu === 0).length;
    votes.push({
      development: pausing > 0,
      fact: `Aurora MinCapacity ${clusters.map((cluster) => cluster.minAcu).join(', ')}`,
    });
  }
  const natGateways = models.reduce((total, model) => total + model.natGateways, 0);
  if (natGateways > 0) {
    votes.push({ development: natGateways === 1, fact: natGateways === 1 ? '1 NAT gateway' : `${natGateways} NAT gateways` });
  }
  if (natGateways > 0 || clusters.length > 0) {
    const endpoints = models.reduce((total, model) => total + model.interfaceEndpoints.length, 0);
    votes.push({ development: endpoints === 0, fact: endpoints === 1 ? '1 interface endpoint' : `${endpoints} interface endpoints` });
  }
  const protections = models.flatMap((model) => model.auroraDeletionProtection);
  if (protections.length > 0) {
    const on = protections.every((protection) => protection);
    votes.push({ development: !on, fact: `Aurora deletion protection ${on ? 'on' : 'off'}` });
  }
  const developmentVotes = votes.filter((vote) => vote.development).length;
  const profile: CostProfile = developmentVotes * 2 > votes.length ? 'development' : 'production';
  return {
    profile,
    detectedFrom: votes.length > 0 ? votes.map((vote) => vote.fact) : ['no profile setting found, so production'],
  };
}
