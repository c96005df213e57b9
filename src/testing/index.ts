// holdfast/testing: FaultProxy and instantRetries for users' tests.
export {};
