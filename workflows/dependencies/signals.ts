// Messages between a dependency's Integration workflow and its dependents' lifecycles. Names are wire contract.
import { defineSignal } from '@temporalio/workflow';
import type { DependencyReport, DependentRegistration } from './types.js';

/** Dependent lifecycle -> dependency's Integration: report to me about yourself on my cluster. */
export const registerDependentSignal = defineSignal<[DependentRegistration]>('registerDependent');
/** Dependent lifecycle -> dependency's Integration: I no longer depend on you here (deleted, or spec changed). */
export const unregisterDependentSignal = defineSignal<[DependentRegistration]>('unregisterDependent');
/** Dependency's Integration -> dependent lifecycle: what the dependency is on the dependent's cluster now. */
export const dependencyReportSignal = defineSignal<[DependencyReport]>('dependencyReport');
